/* Closes the sidebar where it covers the page (phones) (app.browser_js).
   Placeholders (string.Template): $nonce = a number that makes each call run again,
   $max_width = widest screen in px that counts as narrow. */
/* $nonce */
(() => {
  if (!window.matchMedia('(max-width: ${max_width}px)').matches) return;
  const sidebar = document.querySelector('[data-testid=stSidebar]');
  if (!sidebar || sidebar.getAttribute('data-collapsed') === 'true') return;
  const button = document.querySelector('[data-testid=stSidebarCollapseButton] button');
  if (button) button.click();
})();
