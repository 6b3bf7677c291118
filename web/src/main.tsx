// Entry: find the host's API (same origin or VITE_API_BASE_URL); without one, start in drop mode.
import { render } from 'preact';
import { detectHost } from './api/detect';
import { apiBase } from './api/http';
import { App } from './ui/App';
import { applyTheme, initialTheme } from './ui/theme';
import './styles.css';

applyTheme(initialTheme(), false);
const root = document.getElementById('app')!;
root.textContent = 'Loading…';

const base = apiBase(import.meta.env.VITE_API_BASE_URL as string | undefined);
// A page opened from disk has no server to ask.
const detected = location.protocol === 'file:' && !base ? Promise.resolve({ host: null, health: null }) : detectHost(base);
void detected.then(({ host, health }) => {
  root.textContent = '';
  render(<App host={host} health={health} />, root);
});
