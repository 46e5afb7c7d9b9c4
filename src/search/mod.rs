//! Finding concepts by their labels: an index of every preferred, alternative
//! and hidden label and notation, normalised, with exact, prefix, word, infix
//! and typo-tolerant matching, ranked exact preferred > exact alternative >
//! prefix > words > infix > fuzzy, the requested language first.
//!
//! Layer: a reader of the built graph; above `build`.

mod index;
mod normalize;

pub use index::{Hit, Index, LabelInput, LabelKind, Match, Query};
pub use normalize::{
    DROPPED, FOLDS, STOPWORDS, WRITTEN_OUT, is_stopword, normalise, stem, variants,
};
