//! TUI state, actions, key map and the event loop.
