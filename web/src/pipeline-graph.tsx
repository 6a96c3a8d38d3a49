/**
 * A pipeline run as a graph of its steps: columns by depth of `needs`, an arrow from each step to
 * the steps that need it, the handlers in a row of their own. Each node is coloured *and* lettered
 * by state, with its progress (fan-out) and duration; its name opens the step's run (a fan-out's
 * items are chips, each opening its item's run). Hovering or focusing a node shows its details
 * below the graph: the reason a step was skipped or failed, and every item.
 */
import { useId, useState } from 'react';
import { Link } from 'wouter';
import type { Schemas } from './api/client';
import { duration } from './format';
import { useNow } from './now';
import { columnsOf, factsOf, isFanOut, stateOf } from './pipeline-layout';

type Step = Schemas['PipelineStep'];
type Instance = Schemas['StepInstance'];

const NODE_W = 208;
const NODE_H = 88;
const GAP_X = 64;
const GAP_Y = 18;
/** Item chips shown in a node; all of them are in the details. */
const CHIPS = 7;

const runHref = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

export function PipelineGraph({ pipeline }: { pipeline: Schemas['PipelineDetail'] }) {
  const now = useNow(1_000);
  // A useId is not a plain name (`:r1:`); a url(#…) reference wants one.
  const marker = `arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const [picked, setPicked] = useState<string | null>(null);
  const main = pipeline.steps.filter((s) => s.role === 'step');
  const handlers = pipeline.steps.filter((s) => s.role === 'handler');
  const columns = columnsOf(main);
  const at = new Map<string, { x: number; y: number }>();
  columns.forEach((col, c) =>
    col.forEach((s, r) => at.set(s.id, { x: c * (NODE_W + GAP_X), y: r * (NODE_H + GAP_Y) })),
  );
  const width = columns.length * (NODE_W + GAP_X) - GAP_X;
  const height = Math.max(1, ...columns.map((c) => c.length)) * (NODE_H + GAP_Y) - GAP_Y;
  // Shown: the step hovered or focused last, else the first that failed, else the one running.
  const shown =
    pipeline.steps.find((s) => s.id === picked) ??
    pipeline.steps.find((s) => ['failed', 'timed_out', 'cancelled'].includes(s.status)) ??
    pipeline.steps.find((s) => s.status === 'running');
  const node = (s: Step, place?: { x: number; y: number }) => (
    <StepNode key={s.id} step={s} now={now} place={place} onPick={() => setPicked(s.id)} />
  );
  return (
    <div className="pipeline">
      <div className="graph-scroll">
        <div className="graph" style={{ width, height }}>
          <svg className="edges" width={width} height={height} aria-hidden="true">
            <defs>
              <marker
                id={marker}
                viewBox="0 0 10 10"
                refX="10"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" />
              </marker>
            </defs>
            {main.flatMap((s) =>
              s.needs.flatMap((n) => {
                const from = at.get(n);
                const to = at.get(s.id);
                if (!from || !to) return [];
                const [x1, y1] = [from.x + NODE_W, from.y + NODE_H / 2];
                const [x2, y2] = [to.x - 2, to.y + NODE_H / 2];
                const bend = (x2 - x1) / 2;
                return [
                  <path
                    key={`${n}->${s.id}`}
                    data-edge={`${n}->${s.id}`}
                    d={`M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`}
                    markerEnd={`url(#${marker})`}
                  />,
                ];
              }),
            )}
          </svg>
          <ol className="nodes" aria-label={`Steps of ${pipeline.name}, in order of their needs`}>
            {main.map((s) => node(s, at.get(s.id)))}
          </ol>
        </div>
      </div>
      {handlers.length > 0 && (
        <>
          <h3>Handlers</h3>
          <ol className="nodes handlers" aria-label={`Handlers of ${pipeline.name}`}>
            {handlers.map((s) => node(s))}
          </ol>
        </>
      )}
      <StepDetails step={shown} now={now} />
    </div>
  );
}

/** What a node's name says to a screen reader: its state, progress, duration and reason. */
function summary(s: Step, now: number): string {
  const f = factsOf(s, now);
  return [
    `${s.id}: ${stateOf(s.status).text}`,
    f.progress && `${f.progress} items succeeded`,
    f.durationMs !== null && duration(f.durationMs),
    s.needs.length > 0 && `needs ${s.needs.join(', ')}`,
    s.reason,
  ]
    .filter(Boolean)
    .join(', ');
}

function StepNode(props: {
  step: Step;
  now: number;
  place: { x: number; y: number } | undefined;
  onPick: () => void;
}) {
  const { step: s, now, place, onPick } = props;
  const f = factsOf(s, now);
  const state = stateOf(s.status);
  const only = !isFanOut(s) && s.instances.length === 1 ? s.instances[0]!.runId : null;
  const label = summary(s, now);
  return (
    <li
      className={`step-node ${s.status}`}
      data-step={s.id}
      data-status={s.status}
      title={s.reason ?? undefined}
      style={place ? { left: place.x, top: place.y, width: NODE_W, height: NODE_H } : undefined}
      onMouseEnter={onPick}
      onFocus={onPick}
    >
      <div className="step-head">
        <span className={`step-mark ${s.status}`} aria-hidden="true">
          {state.mark}
        </span>
        {only ? (
          <Link href={runHref(only)} className="step-name mono" aria-label={label}>
            {s.id}
          </Link>
        ) : (
          <button type="button" className="link step-name mono" aria-label={label} onClick={onPick}>
            {s.id}
          </button>
        )}
      </div>
      <div className="step-line" aria-hidden="true">
        <span className={`status ${s.status}`}>{state.text}</span>
        {f.progress && <span> · {f.progress}</span>}
        {f.durationMs !== null && <span> · {duration(f.durationMs)}</span>}
      </div>
      {isFanOut(s) ? (
        <Chips step={s} limit={CHIPS} />
      ) : (
        s.reason && (
          <div className="step-line muted clip" aria-hidden="true">
            {s.reason}
          </div>
        )
      )}
    </li>
  );
}

/** A fan-out's items: a chip each, lettered and coloured by state, opening the item's run. */
function Chips({ step, limit }: { step: Step; limit?: number }) {
  const items = limit === undefined ? step.instances : step.instances.slice(0, limit);
  const more = step.instances.length - items.length;
  return (
    <ul className="chips" aria-label={`Items of ${step.id}`}>
      {items.map((i) => (
        <Chip key={i.key} step={step.id} instance={i} />
      ))}
      {more > 0 && <li className="muted">+{more}</li>}
    </ul>
  );
}

/** The letter is beside the link, not in it: a link's name must hold its visible text. */
function Chip({ step, instance: i }: { step: string; instance: Instance }) {
  const state = stateOf(i.status);
  const label = `${step} item ${i.item ?? ''}: ${state.text}${
    i.carriedFrom ? `, carried over from ${i.carriedFrom}` : ''
  }${i.error ? `, ${i.error}` : ''}`;
  return (
    <li className={`chip ${i.status}`} title={label}>
      <span aria-hidden="true">{state.mark}</span>
      {i.runId ? (
        <Link href={runHref(i.runId)} aria-label={label}>
          {i.item}
        </Link>
      ) : (
        <span role="img" aria-label={label}>
          {i.item}
        </span>
      )}
    </li>
  );
}

/** The details of the step hovered or focused: its reason, its runs, every item. */
function StepDetails({ step: s, now }: { step: Step | undefined; now: number }) {
  if (!s)
    return (
      <p className="muted step-details" data-testid="step-details">
        Hover or focus a step for its details.
      </p>
    );
  const f = factsOf(s, now);
  const runs = s.instances.filter((i) => i.runId);
  return (
    <div className="step-details" data-testid="step-details">
      <p>
        <span className="mono">{s.id}</span>
        {s.role === 'handler' ? ' (handler)' : ''} —{' '}
        <span className={`status ${s.status}`}>{stateOf(s.status).text}</span>
        {f.progress && ` · ${f.progress} items succeeded`}
        {f.durationMs !== null && ` · ${duration(f.durationMs)}`}
        {s.reason && <span className="reason">: {s.reason}</span>}
      </p>
      {isFanOut(s) ? (
        <Chips step={s} />
      ) : (
        runs.map((i) => (
          <p key={i.key}>
            Run <Link href={runHref(i.runId!)}>{i.runId}</Link>
            {i.carriedFrom && <span className="muted"> (carried over from {i.carriedFrom})</span>}
            {i.error && <span className="error-text"> {i.error}</span>}
          </p>
        ))
      )}
    </div>
  );
}
