/**
 * Small hand-made word lists behind speaker finding (speakers.ts). They are
 * deliberately short: each list only has to tell a rule what kind of word it
 * is looking at (a title, an organisation head, a nationality…), not to name
 * every entity in the news. All entries are lower case.
 */

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

/** Courtesy titles; the value is the gender they imply ('' = none). */
export const HONORIFICS = new Map<string, 'm' | 'f' | ''>([
  ['mr', 'm'], ['mr.', 'm'], ['mrs', 'f'], ['mrs.', 'f'], ['ms', 'f'], ['ms.', 'f'], ['miss', 'f'],
  ['sir', 'm'], ['dame', 'f'], ['lord', 'm'], ['lady', 'f'], ['madam', 'f'], ['dr', ''], ['dr.', ''],
  ['prof.', ''], ['rev.', ''],
]);

/** Words that make a role when they stand right before a name ("President", "spokeswoman", "Lt."). */
export const TITLES = words(`
  president vice-president premier chancellor minister secretary envoy ambassador senator sen. representative
  rep. congressman congresswoman congressmember governor gov. mayor king queen prince princess pope emperor
  judge justice director chairman chairwoman chair ceo founder spokesman spokeswoman spokesperson leader
  commander general gen. lt. lieutenant col. colonel maj. major capt. captain sgt. sergeant adm. admiral
  marshal officer chief adviser advisor aide attorney prosecutor commissioner speaker lawmaker legislator
  deputy candidate nominee economist analyst professor prof. head boss coach executive manager editor
  correspondent strategist negotiator diplomat sheikh ayatollah cardinal archbishop bishop rabbi imam
  councillor councilor councilman councilwoman superintendent inspector detective sheriff president-elect
  secretary-general chancellor-elect dean counsel treasurer comptroller auditor official
`);

/** Words that continue a role between titles: "Prime Minister", "Secretary of State", "Foreign Minister". */
export const ROLE_PARTS = words(`
  prime foreign state defense defence interior finance economy economic home health trade justice treasury
  commerce homeland security national special senior chief deputy vice acting former retired interim
  first general attorney supreme high top assistant associate executive managing military press white
  house of for the affairs energy labor labour education environment agriculture transport transportation
  culture development intelligence army navy air force marine marines majority minority party opposition
  federal regional district minister's presidential vice-presidential campaign communications policy legal
  republican democratic conservative
`);

/** Ranks and honour-like titles: a role made of these alone is weaker than an apposition. */
export const RANKS = words(`retired lt. gen. col. maj. capt. sgt. adm. lieutenant general colonel major captain sergeant admiral marshal`);

/** Gendered role words. */
export const MALE_ROLES = words(`spokesman chairman congressman councilman king prince emperor sheikh father brother son husband businessman`);
export const FEMALE_ROLES = words(`spokeswoman chairwoman congresswoman councilwoman queen princess mother sister daughter wife businesswoman first-lady`);

/** Last words of organisation names ("Foreign Ministry", "Labour Party", "White House"). */
export const ORG_HEADS = words(`
  ministry council commission party agency department office bank group union committee court parliament
  senate congress assembly administration institute university college corporation corp. corp inc. inc
  company co. ltd ltd. llc association federation organization organisation alliance army navy police
  service services foundation times post news press network palace house bureau authority board fund
  campaign coalition front movement league church government cabinet secretariat embassy consulate
  tribunal forces guard command center centre school hospital journal tribune herald guardian telegraph
  gazette magazine radio television tv broadcasting airlines airways motors industries holdings partners
  capital trust exchange reserve institution project initiative caucus legislature duma knesset bundestag
  commons lords society
`);

/** Organisations commonly named in one word (or as an acronym). */
export const ORG_NAMES = words(`
  kremlin pentagon reuters nato un u.n. eu e.u. fbi cia nsa imf who wto opec afp ap bbc cnn nbc cbs abc
  fox msnbc npr pbs politico axios bloomberg hamas hezbollah taliban isis google facebook meta twitter
  microsoft apple amazon tesla openai gazprom rosneft interfax tass ria xinhua kyodo yonhap dpa ansa
  white-house whitehall elysee élysée downing europol interpol frontex unicef unesco unhcr nasa
  politburo knesset bundestag duma
`);

/** Multi-word organisation names with no organisation head word. */
export const ORG_PHRASES = words(`
  white_house downing_street elysee_palace élysée_palace wall_street_journal new_york_times
  washington_post associated_press european_union united_nations state_department
`.replace(/_/g, '\u0001'));

/** Countries, capitals and regions: speakers by metonymy ("Kyiv accused Russia…"), places otherwise. */
export const PLACES = words(`
  russia ukraine france britain england scotland wales ireland germany italy spain portugal poland
  hungary austria switzerland belgium netherlands holland denmark sweden norway finland estonia latvia
  lithuania belarus moldova romania bulgaria greece turkey serbia croatia bosnia kosovo albania slovakia
  czechia georgia armenia azerbaijan kazakhstan china japan korea india pakistan afghanistan iran iraq
  syria lebanon israel palestine gaza jordan egypt libya tunisia algeria morocco sudan ethiopia kenya
  nigeria ghana africa america canada mexico brazil argentina chile colombia venezuela cuba australia
  indonesia vietnam thailand philippines malaysia singapore taiwan qatar yemen oman kuwait bahrain
  europe asia washington moscow kyiv kiev london paris berlin rome madrid brussels warsaw beijing tokyo
  tehran ankara jerusalem riga vilnius tallinn budapest vienna prague minsk kherson crimea donbas
  odesa odessa kharkiv tbilisi baghdad damascus cairo delhi islamabad kabul seoul pyongyang ottawa
  canberra geneva strasbourg hague davos munich lviv mariupol bakhmut zaporizhzhia sochi
  u.s. u.k. uk usa
`);

/** Multi-word place names (joined by U+0001). */
export const PLACE_PHRASES = new Set(
  `united_states united_kingdom saudi_arabia black_sea baltic_sea eastern_europe western_europe
   central_europe middle_east north_korea south_korea south_africa new_york new_zealand
   hong_kong sri_lanka north_america latin_america gaza_strip west_bank european_union's`
    .trim().split(/\s+/).map((p) => p.replace(/_/g, '\u0001')),
);

/** Last words that make a capitalised run a place, not a person ("Black Sea", "Elm Street"). */
export const PLACE_HEADS = words(`sea ocean river lake mountains mountain island islands street avenue road square bay gulf strait valley county province region city state airport station bridge canal peninsula`);

/** Nationality and regional adjectives; they start roles ("French President") and organisation names. */
export const NATIONALITIES = words(`
  french british english scottish welsh irish german italian spanish portuguese polish hungarian austrian
  swiss belgian dutch danish swedish norwegian finnish estonian latvian lithuanian belarusian moldovan
  romanian bulgarian greek turkish serbian croatian czech slovak georgian armenian chinese japanese
  korean indian pakistani afghan iranian iraqi syrian lebanese israeli palestinian egyptian libyan
  saudi qatari emirati yemeni sudanese ethiopian kenyan nigerian african american canadian mexican
  brazilian argentine chilean colombian venezuelan cuban australian indonesian vietnamese thai filipino
  taiwanese european western eastern russian ukrainian soviet u.s. us u.k. uk un u.n. eu e.u. nato
  franco-british anglo-french transatlantic arab kurdish republican democrat democratic libertarian
  independent gop
`);

/** Plural nationality nouns: groups on their own ("Europeans said"). */
export const DEMONYM_GROUPS = words(`
  europeans americans russians ukrainians germans italians britons brits israelis palestinians chinese
  iranians democrats republicans conservatives liberals socialists greens tories labourites
`);

/** Plural heads of group mentions ("European leaders", "officials", "Democrats"). */
export const GROUP_HEADS = words(`
  leaders officials diplomats lawmakers legislators senators ministers analysts experts critics
  protesters protestors residents voters economists investors allies members authorities prosecutors
  investigators researchers scientists officers commanders generals activists negotiators planners chiefs
  campaigners observers governments countries nations states democrats republicans europeans americans
  conservatives liberals officers spokespeople advisers advisors aides sources insiders executives
  lawyers judges doctors witnesses police troops soldiers supporters opponents organizers organisers
  partners envoys ambassadors mayors governors parties unions regulators bankers traders workers
  families parents students teachers scholars historians citizens people administrations delegates
  monitors inspectors attorneys
`);

/** Heads of anonymous-source descriptions ("a senior administration official", "two diplomats"). */
export const ANON_HEADS = words(`
  official officials diplomat diplomats source sources aide aides spokesman spokeswoman spokesperson
  spokespeople adviser advisers advisor advisors insider insiders officer officers staffer staffers
  person people lawmaker lawmakers negotiator negotiators envoy minister ministers analyst analysts
  executive executives employee employees member members resident residents witness witnesses
  reporter questioner announcer narrator moderator caller voter protester attorney attorneys lawyer
  lawyers
`);

/** Heads that only make an anonymous source with a qualifier after them ("people familiar with …"). */
export const ANON_NEEDS_QUALIFIER = words(`person people member members resident residents employee employees witness witnesses`);
export const ANON_QUALIFIERS = words(`familiar close briefed involved knowledgeable with who`);

/** Determiners that open an anonymous description. */
export const ANON_DETERMINERS = words(`a an one another two three four five six seven eight nine ten several 2 3 4 5 6 7 8 9 10`);
export const ORDINALS = words(`second third fourth fifth sixth other`);

/** Determiners a group mention may start with (not part of its name). */
export const GROUP_DETERMINERS = words(`the some many most several other all both these those few numerous`);

/** Lower-case words allowed between a determiner and an anonymous/group head. */
export const DESCRIPTION_MODIFIERS = words(`
  senior top high-ranking high-level junior former current administration government military
  intelligence security defense defence foreign state federal local regional western european eastern
  american russian ukrainian french british german italian european-union western-backed republican
  democratic conservative liberal party campaign congressional parliamentary diplomatic police
  ministry health trade economic police white house justice department pentagon kremlin israeli
  palestinian chinese iranian turkish polish gulf arab independent outside other leading prominent key
  administration's
`);

/** Function words that begin sentences but never names ("But", "In", "The"). */
export const SENTENCE_FUNCTION_WORDS = words(`
  the a an but and or so yet in on at as by for from with without of to into over under after before
  while when where whether if though although despite since until because beyond still however
  meanwhile this that these those there here it its his her their our my your we they he she i you
  some many most all both each every no not other others such what which who whom whose why how
  then also even only just now today yesterday tomorrow last next first one two three instead
  among amid against around about across along through during near per than like unlike upon
  according asked speaking monitoring military vision europe's nor either neither later earlier
  finally indeed afterwards overall together rather another few several much more less such
`);

/** Months and weekdays are capitalised but are not speakers. */
export const CALENDAR = words(`
  january february march april may june july august september october november december jan. feb. mar.
  apr. jun. jul. aug. sep. sept. oct. nov. dec. monday tuesday wednesday thursday friday saturday sunday
`);

/** Capitalised words that are never part of a name in news text. */
export const NEVER_NAME = words(`
  i i'm i'd i've i'll god internet covid-19 covid coronavirus christmas easter ramadan
`);

/** Abbreviations whose final period does not end a sentence. */
export const ABBREVIATIONS = words(`
  mr mrs ms dr prof rev sen rep gov lt gen col maj capt sgt adm st jr sr gen cmdr supt messrs
  jan feb mar apr jun jul aug sep sept oct nov dec no vs corp inc co ltd mt ft
`);

// Small, news-oriented first-name lists (only for gender and for telling a
// person from a place when nothing else does). Not exhaustive on purpose.
export const MALE_FIRST_NAMES = words(`
  adam alan alexander alexei alex andrew andrzej angus anthony antonio ben benjamin bernie bill bob
  boris brian bruce carlos charles chris christopher chuck dan daniel david dmitry donald doug edward
  elon emmanuel eric frank friedrich gavin george gerhard giuseppe gordon hakeem hunter ian igor isaac
  jack jacques james jared jean jeff jeremy jerome jim joe john jonathan jose joseph justin keir kevin
  kim lars luis marco mark matteo matthew michael mike mitch mohammed muhammad narendra nicolas
  nigel olaf oleksandr pedro peter paul rafael recep richard rishi robert ron rudy ruslan sam scott
  sergei sergey stephen steve steven ted thomas tim tom tony viktor vladimir volodymyr wolfgang xi
  yuri benjamin recep mateusz petr pete rob ronald dick al lloyd antony jens mujtaba ben dmytro andriy
  kevin tucker josh marc hans karl klaus robert roberto sebastian eduard denys ilya
  alexandre francois françois edouard édouard gabriel bruno jordan mohammad ali ahmed hassan
  reince newt rudolph corey paul jeb marco ted lindsey mitt harry chris bernie tim barack
  ibrahim omar abdul vladislav yevgeny konstantin nikolai valery valeriy pavel andrei
`);

export const FEMALE_FIRST_NAMES = words(`
  alice amy angela ann anna anne annalena barbara betsy catherine christine claudia cynthia diana
  elizabeth elena elisabeth emily emma giorgia hillary jacinda jane janet jennifer jill julia kamala
  karine kate katherine kaja kristi laura liz lisa margaret maria marine marie mary melania michelle
  nancy natalia natalya nikki olena olga rachel sarah sophie susan theresa ursula valerie yulia
  mette sanna kirsten nadia nicola tulsi pam marjorie lauren elise alexandria ilhan
  rashida ayanna katie heather jessica linda patricia rebecca ruth sandra sylvie vivian yvette
  agnes ana beata christina daria irina iryna kristina liudmyla ludmila lyudmila mariana oksana
  svetlana tatiana tetiana viktoria victoria yelena zoe evelyn madeleine condoleezza alicia
  karen kelly kellyanne huma donna debbie elizabeth hope ivanka chelsea sheryl gwen loretta
`);
