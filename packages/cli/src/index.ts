export { main } from './main.js';
export { buildChat, conversationOf, type ChatScenario } from './examples/chat/scenario.js';
export { examples } from './examples/registry.js';
