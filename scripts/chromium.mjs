// The one description of how this project runs Chromium: Debian's package (Playwright's own
// browser download cannot work here), as root, on a machine with no network but loopback.
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these, Chromium keeps dialing Google's hosts, which this machine refuses.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
