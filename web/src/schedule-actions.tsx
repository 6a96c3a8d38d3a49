import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data, type Schemas } from './api/client';

/** A `datetime-local` value (the browser's zone) as ISO-8601 UTC. */
const iso = (local: string) => new Date(local).toISOString();

/** Run now, pause with a note, resume, and backfill a range, for one schedule. */
export function ScheduleActions({ schedule }: { schedule: Schemas['Schedule'] }) {
  const id = schedule.id;
  const queries = useQueryClient();
  const [note, setNote] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [said, setSaid] = useState('');
  const path = { params: { path: { id } } };
  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ['schedule', id] });
    void queries.invalidateQueries({ queryKey: ['schedules'] });
    void queries.invalidateQueries({ queryKey: ['runs'] });
  };
  const act = useMutation({
    mutationFn: async (verb: 'trigger' | 'pause' | 'resume' | 'backfill') => {
      if (verb === 'trigger') {
        const r = await data(api.POST('/schedules/{id}/trigger', { ...path, body: {} }));
        return `Run now: ${r.decision}${r.run ? ` (${r.run.id})` : ''}`;
      }
      if (verb === 'pause') {
        const body = note.trim() ? { note: note.trim() } : {};
        await data(api.POST('/schedules/{id}/pause', { ...path, body }));
        setNote('');
        return 'Paused.';
      }
      if (verb === 'resume') {
        await data(api.POST('/schedules/{id}/resume', { ...path, body: {} }));
        return 'Resumed.';
      }
      const r = await data(
        api.POST('/schedules/{id}/backfill', { ...path, body: { from: iso(from), to: iso(to) } }),
      );
      const tally = new Map<string, number>();
      for (const d of r.decided) {
        const key = d.already ? 'already decided' : d.decision;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      return r.decided.length === 0
        ? 'Backfill: no occurrence in that range.'
        : `Backfill: ${r.decided.length} occurrence(s): ${[...tally].map(([k, n]) => `${n} ${k}`).join(', ')}.`;
    },
    onSuccess: (text) => setSaid(text),
    onError: () => setSaid(''),
    onSettled: refresh,
  });
  const pause = (e: FormEvent) => {
    e.preventDefault();
    act.mutate('pause');
  };
  const backfill = (e: FormEvent) => {
    e.preventDefault();
    act.mutate('backfill');
  };
  return (
    <section className="actions" aria-label="Actions">
      <div className="row">
        <button type="button" disabled={act.isPending} onClick={() => act.mutate('trigger')}>
          Run now
        </button>
        {schedule.paused ? (
          <button type="button" disabled={act.isPending} onClick={() => act.mutate('resume')}>
            Resume
          </button>
        ) : (
          <form className="row" onSubmit={pause}>
            <label htmlFor="pause-note">Pause note</label>
            <input
              id="pause-note"
              value={note}
              placeholder="why (optional)"
              onChange={(e) => setNote(e.target.value)}
            />
            <button type="submit" disabled={act.isPending}>
              Pause
            </button>
          </form>
        )}
      </div>
      <form className="row" onSubmit={backfill} aria-label="Backfill">
        <label htmlFor="backfill-from">Backfill from</label>
        <input
          id="backfill-from"
          type="datetime-local"
          step={1}
          required
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <label htmlFor="backfill-to">to</label>
        <input
          id="backfill-to"
          type="datetime-local"
          step={1}
          required
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
        <button type="submit" disabled={act.isPending}>
          Backfill
        </button>
      </form>
      <p role="status" className={act.isError ? 'error-text' : 'muted'} data-testid="action-result">
        {act.isError ? (act.error as Error).message : said}
      </p>
    </section>
  );
}
