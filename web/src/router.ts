// Client-side navigation: history.pushState and one render function that main.ts provides.
let render: () => void = () => {};

export function onNavigate(fn: () => void): void {
  render = fn;
  window.addEventListener('popstate', () => render());
}

export function navigate(path: string): void {
  if (path !== location.pathname + location.search) history.pushState(null, '', path);
  render();
}
