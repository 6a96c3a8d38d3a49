/** A run's place in a pipeline (a step's run: its pipeline run; a resumed run: what it resumed) and its output. */
import { Link } from 'wouter';
import type { Schemas } from './api/client';

/** Shown at most; an output is at most 256 KiB a step, but a pipeline's has every step's. */
const MAX_CHARS = 256 * 1024;

const runHref = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

/** "Step review, item 1, of pipeline run r-…" under a step run's title; "Resumes r-…" for a resumed run. */
export function PipelineLinks({ run }: { run: Pick<Schemas['Run'], 'pipelineRun' | 'resumeOf'> }) {
  const step = run.pipelineRun;
  return (
    <>
      {step && (
        <p className="step-of" data-testid="step-of">
          Step <span className="mono">{step.step}</span>
          {step.item !== null && <>, item {step.item},</>} of pipeline run{' '}
          <Link href={runHref(step.runId)} className="mono">
            {step.runId}
          </Link>
        </p>
      )}
      {run.resumeOf && (
        <p className="step-of" data-testid="resume-of">
          Resumes pipeline run{' '}
          <Link href={runHref(run.resumeOf)} className="mono">
            {run.resumeOf}
          </Link>
          : the steps that succeeded there are carried over.
        </p>
      )}
    </>
  );
}

/** What the run handed over: text as it is, anything else as indented JSON; cut when huge. */
export function RunOutput({ output, pipeline }: { output: unknown; pipeline: boolean }) {
  if (output === null || output === undefined) return null;
  const text = typeof output === 'string' ? output : JSON.stringify(output, null, 2);
  const cut = text.length > MAX_CHARS;
  return (
    <section aria-labelledby="output-heading">
      <h2 id="output-heading">Output</h2>
      <p className="muted">
        {pipeline
          ? "The pipeline's output: each step's output, by step id."
          : typeof output === 'string'
            ? "The step's output: its final text."
            : "The step's output: the structured result of its recipe."}
        {cut && ` Cut at ${MAX_CHARS / 1024} KiB of ${Math.ceil(text.length / 1024)} KiB.`}
      </p>
      <pre className="log output" tabIndex={0} aria-label="Output" data-testid="output">
        {cut ? text.slice(0, MAX_CHARS) : text}
      </pre>
    </section>
  );
}
