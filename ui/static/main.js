import init from './examhall_ui.js';
init();
