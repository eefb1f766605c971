/** Fitting text into a terminal's columns: counted in code points, cut with `…`. */

/** At most `width` characters, with `…` when cut; whole code points only. */
export function fit(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/** Keeps both ends (directory and file name, record index) and cuts the middle. */
export function middleCut(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  const tail = Math.ceil((width - 1) * 0.6);
  return `${chars.slice(0, width - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** Words refilled into lines of at most `width` (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/**
 * One line of a report to a terminal: kept as written up to the last space that fits (so its
 * columns stay aligned), the rest refilled under it, indented `hang` more than the line.
 */
export function wrapIndented(line: string, width: number, hang = 4): string[] {
  const chars = Array.from(line);
  if (chars.length <= width) return [line];
  const lead = chars.length - Array.from(line.trimStart()).length;
  const indent = ' '.repeat(Math.min(lead + hang, Math.floor(width / 2)));
  const head = chars.slice(0, width).join('');
  const cut = head.lastIndexOf(' ');
  const [first, rest] = cut > lead ? [head.slice(0, cut), line.slice(cut + 1)] : [head, chars.slice(width).join('')];
  return [first, ...wrap(rest, width - indent.length).map((l) => `${indent}${fit(l, width - indent.length)}`)];
}
