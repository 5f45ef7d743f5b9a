/**
 * Descriptions written in HTML, as many documents have them (`<p>`, `<br/>`, `<a href>`, `<code>`,
 * entities), turned into the Markdown clients show: paragraphs and line breaks, lists, code, links,
 * emphasis; other tags dropped, entities decoded. Text without tags is left as it is. Pure, and
 * linear in the text: every pattern is a single pass without nested repetition.
 */

/** A tag this reads: `<name attributes>`, `</name>` or `<name/>`, without `<` or `>` inside. */
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9]*)\b([^<>]*)>/g;

/** Named entities that occur in descriptions; others are left as written. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…' };

/** Does the text hold HTML markup (a known tag, or an entity), rather than a lone `<` or `a < b`? */
export function looksLikeHtml(text: string): boolean {
    // Most descriptions hold no `<` at all: no pattern to run over them.
    return (
        text.includes('<') &&
        /<\/?(p|br|a|b|i|em|strong|code|pre|ul|ol|li|div|span|h[1-6]|table|tr|td|th|tt|sup|sub|blockquote|dl|dt|dd|hr|img|u|s|small)\b[^<>]*>/i.test(text)
    );
}

function decodeEntities(text: string): string {
    return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]{2,8});/g, (whole, name: string) => {
        if (name.startsWith('#')) {
            const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
            return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
        }
        return Object.hasOwn(ENTITIES, name) ? ENTITIES[name]! : whole;
    });
}

/** The value of `href` in a tag's attributes, if it is a plain http(s) or relative link. */
function hrefOf(attributes: string): string | undefined {
    const match = /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attributes);
    const href = match ? decodeEntities(match[2] ?? match[3] ?? '').trim() : undefined;
    return href && /^(https?:\/\/|\/)[^\s()<>]*$/i.test(href) ? href : undefined;
}

/** A description as Markdown: HTML markup converted, plain text unchanged. */
export function htmlToMarkdown(text: string): string {
    if (!looksLikeHtml(text)) return text;
    const links: (string | undefined)[] = [];
    let list = 0;
    const converted = text.replace(TAG, (_, closing: string, rawName: string, attributes: string) => {
        const name = rawName.toLowerCase();
        const end = closing === '/';
        switch (name) {
            case 'br':
                return '\n';
            case 'p':
            case 'div':
            case 'blockquote':
            case 'table':
            case 'dl':
                return '\n\n';
            case 'tr':
            case 'dt':
            case 'dd':
                return end ? '' : '\n';
            case 'td':
            case 'th':
                return end ? ' ' : '';
            case 'h1':
            case 'h2':
            case 'h3':
            case 'h4':
            case 'h5':
            case 'h6':
                return end ? '**\n\n' : '\n\n**';
            case 'ul':
            case 'ol':
                list = end ? Math.max(0, list - 1) : list + 1;
                return '\n';
            case 'li':
                return end ? '' : `\n${'  '.repeat(Math.max(0, list - 1))}- `;
            case 'hr':
                return '\n\n---\n\n';
            case 'code':
            case 'tt':
                return '`';
            case 'pre':
                return '\n```\n';
            case 'b':
            case 'strong':
                return '**';
            case 'i':
            case 'em':
                return '*';
            case 'a': {
                if (end) {
                    const href = links.pop();
                    return href ? `](${href})` : '';
                }
                const href = hrefOf(attributes);
                links.push(href);
                return href ? '[' : '';
            }
            default:
                return '';
        }
    });
    return decodeEntities(converted)
        .split('\n')
        .map((line) => line.trimEnd())
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
}
