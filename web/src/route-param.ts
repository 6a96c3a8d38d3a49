import { useParams } from 'wouter';

/**
 * The `:id` of the current route, decoded: links encode ids with encodeURIComponent (run ids carry
 * `:` and `@`), and the router decodes paths with decodeURI only, which leaves those encoded.
 */
export function useIdParam(): string {
  const { id = '' } = useParams<{ id: string }>();
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}
