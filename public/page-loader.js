// The page's loader: a blocking classic script in the head of every page (src/index.html),
// so what it does first happens before the first paint. The build minifies it, names it by
// its hash and puts the page's app scripts, made inert, in front of it
// (scripts/defer-app-scripts.mjs).
{
  const doc = document;
  // What a prerendered page cannot know, for prerender/frame.css: a session in this tab
  // (its expiry is the app's to judge), a path other than / (index.html answers every
  // deep link). A signed-in reload never paints the signed-out store front.
  const classes = doc.documentElement.classList;
  if (location.pathname !== '/') classes.add('elsewhere');
  if (sessionStorage.getItem('secure-pets.session')) classes.add('has-session');

  // A click on a prerendered button before the app's page replaces it: the hand-over
  // (prerender/hand-over.ts) replays it on the app's button at the same place.
  doc.addEventListener('click', (event) => {
    const button = event.target.closest('[ng-server-context] button:enabled');
    if (button) doc.prerenderedClick = button;
  });

  // The app's scripts start once the page has painted (the paint's timing entry comes
  // after it is on screen), so that paint needs only the HTML and the stylesheet, and
  // nothing the app fetches competes with them. A hidden tab paints nothing and reports
  // no paint once it has been hidden: it starts them at once.
  const start = () => {
    const scripts = doc.getElementById('app-scripts');
    if (scripts) scripts.replaceWith(scripts.content);
  };
  if (doc.hidden) start();
  else {
    new PerformanceObserver(start).observe({ type: 'paint' });
    doc.addEventListener('visibilitychange', start);
  }
}
