/**
 * Hand-written word lists for the stance layer. Entries are stems as produced
 * by `stem()` in directedFeatures.ts (lowercase, light suffix stripping), so
 * "praised", "praises" and "praising" all meet the entry "prais".
 *
 * Small on purpose: the directed classifier learns most of its vocabulary from
 * the training corpus; these lists give it (and the speaker-stance rules) a
 * prior that generalises to words the corpus rarely shows.
 */

/** Verbs/nouns by which one party expresses approval of another. */
export const POSITIVE_CUES: readonly string[] = [
  'prais', 'prai', 'endors', 'back', 'support', 'thank', 'applaud', 'hail', 'welcom', 'congratulat',
  'admir', 'defend', 'champion', 'embrac', 'celebrat', 'commend', 'laud', 'salut', 'honor', 'honour',
  'recommend', 'cheer', 'tout', 'favor', 'favour', 'approv', 'lov', 'lik', 'trust', 'respect', 'ally',
  'alli', 'befriend', 'reward', 'promot', 'credit', 'compliment', 'rescu', 'help', 'vouch', 'uphold',
  'stand by', 'side with', 'agre', 'admire', 'forgiv', 'pardon', 'protect', 'tribute', 'gratitud',
  'endorsement', 'prai', 'appreciat', 'hero', 'friend', 'great', 'brilliant', 'fantastic', 'wonderful',
];

/** Verbs/nouns by which one party expresses disapproval of or hostility to another. */
export const NEGATIVE_CUES: readonly string[] = [
  'accus', 'criticis', 'criticiz', 'critic', 'blam', 'slam', 'attack', 'condemn', 'denounc', 'reject',
  'oppos', 'bash', 'mock', 'insult', 'threaten', 'sue', 'su', 'fir', 'ban', 'sanction', 'target',
  'warn', 'lambast', 'rebuk', 'scold', 'ridicul', 'decri', 'deplor', 'disparag', 'assail', 'blast',
  'chastis', 'berat', 'castigat', 'excoriat', 'savag', 'deris', 'dismiss', 'hate', 'hat', 'despis',
  'distrust', 'fight', 'fought', 'challeng', 'question', 'undermin', 'betray', 'humiliat', 'kill',
  'arrest', 'investigat', 'prosecut', 'charg', 'indict', 'convict', 'punish', 'boycott', 'protest',
  'slander', 'smear', 'vilif', 'demoniz', 'demonis', 'feud', 'clash', 'spar', 'rival', 'enemy', 'enemi',
  'liar', 'li', 'lie', 'fraud', 'disgrac', 'racist', 'corrupt', 'incompetent', 'crook', 'weak',
  'terrible', 'terribl', 'bad', 'dangerous', 'disaster', 'pathetic', 'stupid', 'idiot', 'fool',
  'hostil', 'against', 'impeach', 'depos', 'overthrow', 'invad', 'bomb', 'strik', 'shot', 'shoot',
  'harass', 'assault', 'abus', 'rap', 'raid', 'blacklist', 'snub', 'ignor', 'refus', 'resist',
  'complain', 'complaint', 'call out', 'outrag', 'slur', 'troll', 'taunt', 'jab', 'swip', 'hit',
];

/** Words that flip or cancel the polarity of a cue in their scope. */
export const NEGATORS: readonly string[] = [
  'not', 'no', 'never', 'n’t', "n't", 'nt', 'neither', 'nor', 'without', 'hardly', 'barely', 'refus',
  'declin', 'fail', 'doesn', 'didn', 'don', 'isn', 'wasn', 'won', 'cannot', 'aren', 'weren', 'stop', 'ceas',
];

/** Reporting verbs: "X said …", "X told …". Stems. */
export const REPORTING_VERBS: readonly string[] = [
  'said', 'say', 'tell', 'told', 'stat', 'claim', 'argu', 'insist', 'add', 'writ', 'wrote', 'tweet',
  'explain', 'declar', 'announc', 'note', 'suggest', 'assert', 'contend', 'maintain', 'report', 'acknowledg',
  'admit', 'conced', 'repli', 'respond', 'according',
];

/** Auxiliaries that, before a past participle followed by "by", make a passive. */
export const PASSIVE_AUXILIARIES: readonly string[] = ['was', 'were', 'been', 'be', 'is', 'are', 'being', 'get', 'got', 'gets'];
