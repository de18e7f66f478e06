// Shared by the demo pages: mirrors an EventSource's connection state on a badge.

// Opens an EventSource on `url` and keeps `badge` (an element with class "status") in step
// with it: connecting -> open -> reconnecting -> open ... and closed.
// EventSource fires no event when the page itself calls close(), so use closeStream().
export function openStream(url, badge) {
  const source = new EventSource(url);
  showState(badge, 'connecting');
  source.addEventListener('open', () => showState(badge, 'open'));
  source.addEventListener('error', () => {
    // While readyState is CONNECTING the browser retries by itself (after the server's
    // `retry` delay); CLOSED means it gave up, e.g. on an HTTP error status.
    showState(badge, source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  });
  return source;
}

export function closeStream(source, badge) {
  source.close();
  showState(badge, 'closed');
}

function showState(badge, state) {
  badge.dataset.state = state;
  badge.textContent = state;
}

// Parses an event's JSON data; null for data that is not the JSON object we expect, so a
// stray publisher on a demo topic cannot break the page.
export function parseJson(data) {
  try {
    const value = JSON.parse(data);
    return value !== null && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}
