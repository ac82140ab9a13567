// Types for the one undici module the proxy loads; see upstream-agent.ts for why not the package root.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}
