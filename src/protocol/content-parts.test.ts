import { describe, it, expect } from 'vitest';
import { contentChars, contentText, partText } from './content-parts.ts';

describe('content parts', () => {
  it('joins the text of parts by newlines, keeping a place for parts without text', () => {
    expect(contentText('plain')).toBe('plain');
    expect(contentText([{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }])).toBe('a\n\nb');
    expect(contentText([null, 3, 'x', { text: 7 }])).toBe('\n\n\n');
    expect(contentText(null)).toBe('');
    expect(contentText({ text: 'not a list' })).toBe('');
  });

  it('counts text characters without separators', () => {
    expect(contentChars('héllo')).toBe(5);
    expect(contentChars([{ text: 'ab' }, { type: 'image' }, { text: 'cde' }])).toBe(5);
    expect(contentChars(undefined)).toBe(0);
  });

  it('reads only a string text of an object part', () => {
    expect(partText({ type: 'output_text', text: '' })).toBe('');
    expect(partText({ text: ['x'] })).toBeNull();
    expect(partText('text')).toBeNull();
  });
});
