// The shell: picks the data source (host or dropped files), keeps the route in the URL hash,
// the theme, and the host's live events.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { HttpSource } from '../api/http';
import type { DataSource } from '../api/source';
import type { Health, SyncStatus } from '../api/types';
import { WasmSource, type Queryable } from '../api/wasm';
import type { Summary } from '../drop/load';
import { formatBytes, formatInt } from '../format';
import { type Filters, type Route, effectiveZone, formatHash, parseHash, withRoute } from '../state/url';
import { FilterBar } from './components/FilterBar';
import { Drop } from './pages/Drop';
import { Overview } from './pages/Overview';
import { SessionDetail } from './pages/SessionDetail';
import { Sessions } from './pages/Sessions';
import { Sync } from './pages/Sync';
import { type Theme, applyTheme, initialTheme } from './theme';

interface Props {
  host: HttpSource | null;
  health: Health | null;
}

function useRoute(): [Route, (route: Route, replace?: boolean) => void] {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (next: Route, replace = false) => {
    const hash = formatHash(next);
    if (replace) history.replaceState(null, '', hash);
    else if (location.hash !== hash) location.hash = hash;
    setRoute(parseHash(hash));
  };
  return [route, navigate];
}

/** Where the host looked for transcripts, when its health answer says so. */
function emptyHint(health: Health | null, kind: DataSource['kind']): string {
  if (kind === 'wasm') return 'The dropped files hold no sessions with responses.';
  const dirs = health?.claudeDirs ?? health?.sources ?? health?.dirs;
  if (Array.isArray(dirs) && dirs.length) {
    return `cc-analytics looked in ${dirs.map(String).join(', ')} and found no transcripts. Start it with --claude-dir DIR to read another folder.`;
  }
  return 'cc-analytics found no transcripts. It reads the projects/ folder of CLAUDE_CONFIG_DIR, else of ~/.config/claude and ~/.claude; start it with --claude-dir DIR to read another folder.';
}

export function App({ host, health }: Props) {
  const [route, navigate] = useRoute();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [dropped, setDropped] = useState<{ source: WasmSource; summary: Summary } | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [live, setLive] = useState<SyncStatus | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);

  const zone = effectiveZone(route.filters);
  const zoneRef = useMemo(() => ({ current: zone }), []);
  zoneRef.current = zone;

  const source: DataSource | null = dropped?.source ?? host;

  useEffect(() => applyTheme(theme, false), []);

  // Live updates from the host: refresh on new data, follow sync progress.
  useEffect(() => {
    if (!host || dropped) return;
    const events = host.events();
    const status = (e: MessageEvent) => {
      try {
        setLive(JSON.parse(String(e.data)) as SyncStatus);
      } catch {
        /* ignore a malformed event */
      }
    };
    events.addEventListener('sync-progress', status);
    events.addEventListener('sync-finished', (e) => {
      status(e);
      setRefresh((r) => r + 1);
    });
    events.addEventListener('data-changed', () => setRefresh((r) => r + 1));
    return () => events.close();
  }, [host, dropped]);

  const changeFilters = (change: Partial<Filters>) => navigate(withRoute(route, { filters: change }));
  const onLoaded = (workspace: Queryable, summary: Summary) => {
    setDropped({ source: new WasmSource(workspace, () => zoneRef.current), summary });
    navigate(withRoute(route, { page: 'overview', sessionId: null }));
  };

  const page = !source ? 'drop' : route.page;
  const link = (p: Route['page']) => formatHash({ ...route, page: p, sessionId: null, offset: p === 'sessions' ? route.offset : 0 });
  const showFilters = source && (page === 'overview' || page === 'sessions');

  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href={link('overview')}>
          <img src="./favicon.svg" alt="" width={22} height={22} />
          <span>cc-analytics</span>
        </a>
        <button class="menu-toggle btn small" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav class={`nav${menuOpen ? ' open' : ''}`} onClick={() => setMenuOpen(false)}>
          {source && (
            <>
              <a href={link('overview')} class={page === 'overview' ? 'on' : ''} data-testid="nav-overview">
                Overview
              </a>
              <a href={link('sessions')} class={page === 'sessions' || page === 'session' ? 'on' : ''} data-testid="nav-sessions">
                Sessions
              </a>
              {source.kind === 'http' && (
                <a href={link('sync')} class={page === 'sync' ? 'on' : ''} data-testid="nav-sync">
                  Sync
                </a>
              )}
            </>
          )}
          <a href="#/drop" class={page === 'drop' ? 'on' : ''} data-testid="nav-drop">
            Drop files
          </a>
        </nav>
        <div class="topbar-right">
          <span class={`mode ${dropped ? 'wasm' : host ? 'http' : 'none'}`} data-testid="mode" data-mode={dropped ? 'wasm' : host ? 'http' : 'drop'}>
            {dropped
              ? `In this browser · ${formatInt(dropped.summary.files)} files · ${formatBytes(dropped.summary.bytes)}`
              : host
                ? `Live · ${health?.version ? `v${health.version}` : 'host'}`
                : 'In this browser'}
          </span>
          {dropped && host && (
            <button class="btn small" onClick={() => setDropped(null)} data-testid="back-to-host">
              Host data
            </button>
          )}
          <button
            class="btn small icon"
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
            title="Theme"
            data-testid="theme-toggle"
            onClick={() => {
              const next = theme === 'dark' ? 'light' : 'dark';
              setTheme(next);
              applyTheme(next, true);
            }}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>
      {dropped && dropped.summary.lineErrors > 0 && page !== 'drop' && (
        <div class="notice" data-testid="line-errors">
          {formatInt(dropped.summary.lineErrors)} lines could not be read and were skipped
          {dropped.summary.firstErrors[0] ? ` (first: ${dropped.summary.firstErrors[0]})` : ''}.
        </div>
      )}
      {showFilters && source && <FilterBar source={source} filters={route.filters} refresh={refresh} onChange={changeFilters} />}
      <main class="main">
        {page === 'drop' || !source ? (
          <Drop hostAvailable={host !== null} onLoaded={onLoaded} />
        ) : page === 'overview' ? (
          <Overview
            source={source}
            filters={route.filters}
            zone={zone}
            refresh={refresh}
            theme={theme}
            emptyHint={emptyHint(health, source.kind)}
            sessionsHref={(f) => formatHash(withRoute({ ...route, page: 'sessions', sessionId: null }, { filters: f }))}
          />
        ) : page === 'sessions' ? (
          <Sessions source={source} route={route} zone={zone} refresh={refresh} navigate={navigate} />
        ) : page === 'session' ? (
          <SessionDetail source={source} route={route} zone={zone} refresh={refresh} />
        ) : (
          <Sync source={source} zone={zone} refresh={refresh} live={live} />
        )}
      </main>
      <footer class="footer muted small">
        {dropped || !host ? 'Analysed in this browser: nothing leaves this device.' : 'Served by cc-analytics on this machine.'}
      </footer>
    </div>
  );
}
