//! Reading transcript lines: one JSON object per line into a borrowed [`Line`], and the plain-text
//! rendering of message content for session detail.

mod content;
mod line;
mod skim;

pub use content::{cut_chars, render_blocks, user_kind};
pub use line::{Block, Content, Line, LineKind, Message, parse_line};
