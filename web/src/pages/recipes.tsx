import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data } from '../api/client';

export function RecipesPage() {
  const [path, setPath] = useState('');
  const check = useMutation({
    mutationFn: (recipe: string) => data(api.POST('/recipes/validate', { body: { recipe } })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    check.mutate(path.trim());
  };
  const v = check.data;
  return (
    <>
      <h1>Validate a recipe</h1>
      <form onSubmit={submit} className="row">
        <label htmlFor="recipe">Recipe path on the server</label>
        <input
          id="recipe"
          size={60}
          value={path}
          onChange={(e) => setPath(e.target.value)}
          required
        />
        <button type="submit" disabled={check.isPending}>
          Validate
        </button>
      </form>
      {check.isError && (
        <p className="error-text" role="alert">
          {(check.error as Error).message}
        </p>
      )}
      {v && (
        <section aria-live="polite">
          <h2>{v.valid ? 'Valid' : 'Not valid'}</h2>
          <p>
            {v.headless.ok
              ? 'Runs headless.'
              : `Cannot run headless: ${v.headless.reasons.join('; ')}`}
          </p>
          {[...v.errors, ...v.warnings].length > 0 && (
            <ul>
              {v.errors.map((p, i) => (
                <li key={`e${i}`} className="error-text">
                  {p.path}: {p.message}
                </li>
              ))}
              {v.warnings.map((p, i) => (
                <li key={`w${i}`}>
                  {p.path}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
