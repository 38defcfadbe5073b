// Development only (`cargo xtask serve`): reload the page when a rebuild finishes, and say so
// on the page when a rebuild fails instead of leaving a stale page without explanation.
const loadedBuild = document.querySelector('script[data-build]').dataset.build;
let banner = null;

async function poll() {
  try {
    const response = await fetch('./build-status.json', { cache: 'no-store' });
    const status = await response.json();
    if (status.error) {
      if (!banner) {
        banner = document.createElement('pre');
        banner.setAttribute('role', 'alert');
        banner.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:40vh;overflow:auto;margin:0;padding:1em;background:#7f1d1d;color:#fff;z-index:9999;white-space:pre-wrap';
        document.body.append(banner);
      }
      banner.textContent = 'Rebuild failed; the page shows the previous build.\n\n' + status.error;
    } else if (status.build !== loadedBuild) {
      location.reload();
      return;
    } else if (banner) {
      banner.remove();
      banner = null;
    }
  } catch (_) {
    // The server is restarting or gone; try again on the next tick.
  }
  setTimeout(poll, 1000);
}
setTimeout(poll, 1000);
