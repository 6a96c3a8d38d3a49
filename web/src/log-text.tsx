/**
 * Log text with its ANSI styles as spans and the search matches as <mark>s: React elements only,
 * nothing is ever parsed as HTML.
 */
import { Fragment, memo, type ReactNode } from 'react';
import type { Segment } from './ansi';

interface Props {
  readonly segments: readonly Segment[];
  readonly matches: readonly number[];
  readonly length: number;
  readonly current: number;
}

export const LogText = memo(function LogText({ segments, matches, length, current }: Props) {
  const nodes: ReactNode[] = [];
  let pos = 0;
  let m = 0;
  segments.forEach((seg, si) => {
    const segEnd = pos + seg.text.length;
    let at = pos;
    const pieces: ReactNode[] = [];
    while (at < segEnd) {
      // Skip matches that ended before `at`.
      while (m < matches.length && matches[m]! + length <= at) m++;
      const hit = matches[m];
      if (hit === undefined || hit >= segEnd) {
        pieces.push(seg.text.slice(at - pos));
        break;
      }
      if (hit > at) {
        pieces.push(seg.text.slice(at - pos, hit - pos));
        at = hit;
      }
      const stop = Math.min(segEnd, hit + length);
      pieces.push(
        <mark
          key={`${si}-${at}`}
          className={m === current ? 'hit current' : 'hit'}
          data-hit={m === current ? 'current' : undefined}
        >
          {seg.text.slice(at - pos, stop - pos)}
        </mark>,
      );
      at = stop;
    }
    nodes.push(
      seg.style ? (
        <span key={si} className={seg.style}>
          {pieces}
        </span>
      ) : (
        <Fragment key={si}>{pieces}</Fragment>
      ),
    );
    pos = segEnd;
  });
  return <>{nodes}</>;
});
