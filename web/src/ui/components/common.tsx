// Small shared pieces: figure cards, loading, error and empty states.
import type { ComponentChildren } from 'preact';
import { ApiError, errorMessage } from '../../api/source';

export function Card(props: {
  label: string;
  value: string;
  sub?: string | undefined;
  raw?: number | undefined;
  testid?: string | undefined;
  title?: string | undefined;
  accent?: boolean;
}) {
  return (
    <div class={`card${props.accent ? ' accent' : ''}`} data-testid={props.testid} data-value={props.raw === undefined ? undefined : String(props.raw)} title={props.title}>
      <div class="card-label">{props.label}</div>
      <div class="card-value">{props.value}</div>
      {props.sub && <div class="card-sub">{props.sub}</div>}
    </div>
  );
}

export function Panel(props: { title: string; children: ComponentChildren; actions?: ComponentChildren; class?: string; testid?: string }) {
  return (
    <section class={`panel ${props.class ?? ''}`} data-testid={props.testid}>
      <header class="panel-head">
        <h2>{props.title}</h2>
        {props.actions && <div class="panel-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <div class="loading" data-testid="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </div>
  );
}

export function ErrorBox(props: { error: unknown; onRetry?: () => void }) {
  const code = props.error instanceof ApiError ? props.error.code : null;
  const field = props.error instanceof ApiError ? props.error.details?.field : undefined;
  return (
    <div class="error-box" role="alert" data-testid="error">
      <strong>{code === 'NETWORK_ERROR' ? 'The server is not answering' : 'Something went wrong'}</strong>
      <p>{errorMessage(props.error)}</p>
      <p class="muted small">
        {code && <code>{code}</code>}
        {typeof field === 'string' && <> · field <code>{field}</code></>}
      </p>
      {props.onRetry && (
        <button class="btn" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { title: string; children?: ComponentChildren; testid?: string }) {
  return (
    <div class="empty" data-testid={props.testid ?? 'empty'}>
      <strong>{props.title}</strong>
      {props.children}
    </div>
  );
}
