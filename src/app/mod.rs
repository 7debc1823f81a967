//! TUI state, actions, key map and the event loop.

pub mod action;
pub mod chart_focus;
pub mod compare;
mod edit_keys;
pub mod event_loop;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod history;
pub mod keymap;
pub mod preset_edit;
mod run;
mod run_control;
pub mod run_slot;
pub mod series;
pub mod state;
pub mod terminal;
pub mod trainers;

pub use action::{Action, Effect};
pub use run::run_tui;
pub use state::{App, Flash};
