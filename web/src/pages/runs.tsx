import { useState } from 'react';
import { RunsTable, type RunsQuery } from '../runs-table';

const STATUSES = [
  '',
  'pending',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
] as const;

export function RunsPage() {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const [scheduleId, setScheduleId] = useState('');
  const query: RunsQuery = {
    limit: 100,
    ...(status ? { status } : {}),
    ...(scheduleId ? { scheduleId } : {}),
  };
  return (
    <>
      <h1>Runs</h1>
      <div className="row">
        <label htmlFor="status">Status</label>
        <select
          id="status"
          value={status}
          onChange={(e) => setStatus(e.target.value as typeof status)}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || 'any'}
            </option>
          ))}
        </select>
        <label htmlFor="schedule">Schedule</label>
        <input
          id="schedule"
          value={scheduleId}
          onChange={(e) => setScheduleId(e.target.value.trim())}
        />
      </div>
      <RunsTable query={query} empty="No run matches." />
    </>
  );
}
