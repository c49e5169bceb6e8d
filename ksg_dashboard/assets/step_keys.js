/* Arrow keys press the page's previous/next button, even while a map (an iframe) has the
   focus (app.browser_js.step_keys).
   Placeholders (string.Template): $previous_buttons, $next_buttons = CSS selectors as JSON
   strings. */
(() => {
  if (window.__ksgStepKeys) return;
  window.__ksgStepKeys = true;
  const TARGETS = {ArrowLeft: $previous_buttons, ArrowRight: $next_buttons};
  function step(event) {
    const selector = TARGETS[event.key];
    if (!selector || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const button = document.querySelector(selector);
    if (!button) return;  // no step buttons on this page: the key stays with the map
    event.preventDefault();
    event.stopPropagation();
    if (!button.disabled) button.click();
  }
  function attach(frame) {
    try {
      const inner = frame.contentWindow;
      if (inner && !inner.__ksgStepKeys) {
        inner.__ksgStepKeys = true;
        inner.addEventListener('keydown', step, true);  // capture: before Leaflet sees it
      }
    } catch (error) { /* another origin: leave it alone */ }
  }
  window.addEventListener('blur', () => setTimeout(() => {
    const active = document.activeElement;
    if (active && active.tagName === 'IFRAME') attach(active);
  }, 0));
})();
