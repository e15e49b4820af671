//! Stable codes of the importer's diagnostics (`scenec import`), E07xx and W07xx. Each points at
//! the Fountain line it is about, is documented with an example in docs/diagnostics.md, and is
//! triggered by a test.

use scene_syntax::Code;

/// The screenplay holds nothing that becomes a shot (no action, dialogue, centered text or
/// lyrics): there is no film to write.
pub const E0701: Code = Code("E0701");
/// The screenplay is not UTF-8 text (the span is the first byte that is not): Fountain files
/// are plain text, and the importer reads them as UTF-8.
pub const E0702: Code = Code("E0702");

/// A character's `description` is a placeholder (the sentence that introduces them, or their
/// name): the checker requires one, and only the writer knows how they look.
pub const W0701: Code = Code("W0701");
/// A location's `description` is only the place its scene heading names.
pub const W0702: Code = Code("W0702");
/// A scene heading without a time of day the language has (`dawn`, `day`, `dusk`, `night`): the
/// location takes the previous scene's time, or the default.
pub const W0703: Code = Code("W0703");
/// A transition the language has no equivalent for (`BURN TO PINK.`, `FADE TO WHITE.`): written
/// as the nearest one, the original kept as a comment.
pub const W0704: Code = Code("W0704");
/// A transition with no place in the film: before the first shot (`FADE IN:`), after the last one
/// (other than a fade out), or right after another transition. Kept as a comment.
pub const W0705: Code = Code("W0705");
/// Action, dialogue or text before the first scene heading: it opens the first scene.
pub const W0706: Code = Code("W0706");
/// Lyrics (`~`) outside a speech: nobody sings them, so they become the shot's prompt text.
pub const W0707: Code = Code("W0707");
/// Malformed Fountain: a note or boneyard that is never closed, or a `^` dual-dialogue cue with no
/// speech before it.
pub const W0708: Code = Code("W0708");
/// A speech or an action too long for one shot (60 s): split over several shots.
pub const W0709: Code = Code("W0709");
/// A parenthetical the scene language cannot carry as written: one on an off-screen line
/// (which carries `(V.O.)` or `(O.S.)`), or one holding brackets, quotes, braces or `;`. The
/// original is kept as a comment.
pub const W0710: Code = Code("W0710");

/// Every code above, for the test that each is documented.
pub const ALL: &[Code] = &[
    E0701, E0702, W0701, W0702, W0703, W0704, W0705, W0706, W0707, W0708, W0709, W0710,
];
