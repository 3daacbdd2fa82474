// Hand-written article paragraphs for the incremental-analysis tests (invented events and people).

export const PARAGRAPHS = [
  'Harbour Town approved a new ferry timetable on Tuesday after months of complaints from commuters.',
  '"The morning boats will run every twenty minutes," said Maria Okafor, the transport commissioner. Okafor added that the evening service would follow in the spring.',
  'Local shop owners were less convinced. "Nobody asked us about the Sunday crossings," said Tom Brennan, who runs a bakery near the pier.',
  'According to the port authority, the cost of the new timetable is covered by the existing budget.',
  'The council will review the changes in September. Brennan said he would attend the meeting with other traders.',
  '"We expect fewer delays and fuller boats," Okafor told reporters on Wednesday.',
];

/** The paragraphs joined with blank lines, as articles are written. */
export function article(paragraphs: readonly string[] = PARAGRAPHS, separator = '\n\n'): string {
  return paragraphs.join(separator) + '\n';
}
