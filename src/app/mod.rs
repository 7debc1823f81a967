//! TUI state, actions, key map and the event loop.

pub mod action;
pub mod event_loop;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod history;
pub mod keymap;
pub mod preset_edit;
mod run;
pub mod state;
pub mod terminal;

pub use action::Action;
pub use run::run_tui;
pub use state::{App, Flash};
