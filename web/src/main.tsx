// Entry: in host mode (the page served by cc-analytics, the dev server, or a configured
// VITE_API_BASE_URL) connect to the API; as plain static files start in drop mode with no request.
import { render } from 'preact';
import { detectHost } from './api/detect';
import { apiBase } from './api/http';
import { App } from './ui/App';
import { applyTheme, initialTheme } from './ui/theme';
import './styles.css';

applyTheme(initialTheme(), false);
const root = document.getElementById('app')!;
root.textContent = 'Loading…';

const configured = import.meta.env.VITE_API_BASE_URL as string | undefined;
const base = apiBase(configured);
const servedByHost = document.querySelector('meta[name="cc-analytics-mode"]')?.getAttribute('content') === 'host';
const detected =
  servedByHost || configured || import.meta.env.DEV ? detectHost(base) : Promise.resolve({ host: null, health: null });
void detected.then(({ host, health }) => {
  root.textContent = '';
  render(<App host={host} health={health} />, root);
});
