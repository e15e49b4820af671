//! Stable codes of checker diagnostics. A code never changes meaning once released; each is
//! documented with a minimal example in docs/diagnostics.md, and the test corpus triggers each.
//!
//! E01xx names and definitions, E02xx types and units, E03xx ranges, E04xx time and continuity,
//! E05xx imports, E06xx assets, W01xx–W03xx warnings, H01xx hints. Syntax codes (E00xx) live in
//! `scene_syntax::codes`.

use scene_syntax::Code;

// ---- E01xx: names and definitions -------------------------------------------------------------

/// A character that is not defined: `ghost says "boo"` with no `character ghost`.
pub const E0101: Code = Code("E0101");
/// A location that is not defined: `scene s at nowhere { … }`.
pub const E0102: Code = Code("E0102");
/// A sound that is not defined: `at 1s play thunder` with no `sound thunder = …`.
pub const E0103: Code = Code("E0103");
/// A look that is not defined: `look noir` without `import std.look` or a `look noir { … }`.
pub const E0104: Code = Code("E0104");
/// A camera preset that is neither defined nor one of the six framing names: `camera hero`.
pub const E0105: Code = Code("E0105");
/// `continues` names a shot that does not exist anywhere in the film.
pub const E0106: Code = Code("E0106");
/// A prop where only a character fits: a prop that speaks, walks or runs, or holds something
/// (`train says "…"`, `lantern holds map`).
pub const E0107: Code = Code("E0107");
/// A character where only a prop fits: a character that `moves to` or is lifted `above` the
/// ground, or that another character `holds` or `drops`.
pub const E0108: Code = Code("E0108");
/// A prop that is not defined: `aiko holds lamp` with no `prop lamp`.
pub const E0109: Code = Code("E0109");
/// Two definitions of the same kind with one name (across every file of the film).
pub const E0110: Code = Code("E0110");
/// Two shots with one name (shot names are unique within a film).
pub const E0111: Code = Code("E0111");
/// More than one `film` block in the entry file.
pub const E0112: Code = Code("E0112");
/// A field or per-shot statement written twice where only one makes sense: `fps 24` twice, two
/// `camera` statements in one shot.
pub const E0113: Code = Code("E0113");
/// The camera told to relate a subject to itself: `camera over_shoulder on aiko past aiko`,
/// `camera pov of aiko on aiko`.
pub const E0114: Code = Code("E0114");
/// Clauses of a `camera` statement that exclude or need each other: `from` or `past` with
/// `pov of` (the camera is in the character's eyes), `past Y` without `on X`.
pub const E0115: Code = Code("E0115");
/// A field that the block does not have: `colour #ff0000` in a character.
pub const E0120: Code = Code("E0120");
/// A required field is missing: a character or location without `description`.
pub const E0121: Code = Code("E0121");

// ---- E02xx: types and units -------------------------------------------------------------------

/// A number with the wrong unit, or none where one is needed: `fps 24s`, `dolly in 30deg`,
/// `lens 2m`.
pub const E0201: Code = Code("E0201");
/// A value of the wrong kind: a string where a number is needed (`fps "24"`), a name where a
/// text is needed.
pub const E0202: Code = Code("E0202");
/// A field with too few or too many values: `size` alone, `fps 24 30`.
pub const E0203: Code = Code("E0203");
/// A fractional number where a whole number is needed: `fps 23.976`, `steps 2.5`.
pub const E0204: Code = Code("E0204");
/// A value that is not one of the field's choices: `time noon`, `weather sunny`, `framing tight`.
pub const E0205: Code = Code("E0205");

// ---- E03xx: ranges ----------------------------------------------------------------------------

/// `fps` outside 1–120.
pub const E0301: Code = Code("E0301");
/// A frame `size` side that is zero, not a multiple of 32, or larger than 4096.
pub const E0302: Code = Code("E0302");
/// A shot shorter than one frame or longer than 60 s.
pub const E0303: Code = Code("E0303");
/// A gain outside −60 dB to +12 dB.
pub const E0304: Code = Code("E0304");
/// A fraction outside 0%–100% where a fraction of the frame or of a distance is meant.
pub const E0305: Code = Code("E0305");
/// A seed that is not a whole number from 0 to 18446744073709551615 (it must fit in 64 bits).
pub const E0306: Code = Code("E0306");
/// A duration that must be positive is zero or negative: `over 0s`, `dissolve -1s`.
pub const E0307: Code = Code("E0307");
/// Another number outside what the field accepts: `guidance 0`, `steps 0`, `lens 0mm`, a prop's
/// `dimensions 0m 2m`, a height `above -1m`.
pub const E0308: Code = Code("E0308");
/// Dialogue on screen at one moment — one line, or lines spoken at the same time — longer than
/// the MP4's subtitle track holds ([`crate::limits::MAX_SUBTITLE_BYTES`] bytes). Reported by
/// the planner, which knows how long each line is on screen (`scene_plan::subtitles`).
pub const E0309: Code = Code("E0309");
/// A light's colour temperature outside 1000K–12000K.
pub const E0313: Code = Code("E0313");
/// A light's intensity outside 0%–1000%.
pub const E0314: Code = Code("E0314");
/// A shot's `speed` outside 1%–1000% (0.01x–10x).
pub const E0315: Code = Code("E0315");
/// A film's `loudness` outside −40LUFS to −5LUFS.
pub const E0316: Code = Code("E0316");

// ---- E04xx: time and continuity ---------------------------------------------------------------

/// A time point outside its shot: `at 7s` in a 6 s shot, or a negative time.
pub const E0401: Code = Code("E0401");
/// Something with a duration ends after its shot: a camera move, a walk, a zoom, a title.
pub const E0402: Code = Code("E0402");
/// `continues` names a shot that does not play earlier than this one.
pub const E0403: Code = Code("E0403");
/// `continues` links form a cycle (a shot continuing itself included).
pub const E0404: Code = Code("E0404");
/// A transition longer than a shot it touches.
pub const E0405: Code = Code("E0405");
/// `from T1 to T2` where T2 is not after T1.
pub const E0406: Code = Code("E0406");
/// A transition with no shot on one side of it, or two transitions in a row.
pub const E0407: Code = Code("E0407");
/// `drops` of a prop the character does not hold at that time: someone else holds it, or it has
/// already been dropped.
pub const E0408: Code = Code("E0408");

// ---- E05xx: imports ---------------------------------------------------------------------------

/// An imported file that does not exist or cannot be read as text.
pub const E0501: Code = Code("E0501");
/// An imported file that resolves outside the project root (symlinks included); it is not read.
pub const E0502: Code = Code("E0502");
/// Imports that form a cycle; every link is listed.
pub const E0503: Code = Code("E0503");
/// `import std.NAME` where the standard library has no module NAME.
pub const E0504: Code = Code("E0504");
/// An imported file contains a `film` block (only the entry file may).
pub const E0505: Code = Code("E0505");
/// The entry file itself cannot be read: missing, not UTF-8, or not a regular file (a FIFO or
/// a device is refused without being opened).
pub const E0506: Code = Code("E0506");
/// An imported file that is not a regular file: a FIFO, a device, a socket or a directory. It
/// is never opened.
pub const E0507: Code = Code("E0507");
/// A script file (the entry file or an import) larger than
/// [`crate::limits::MAX_SCRIPT_BYTES`]. It is not read.
pub const E0508: Code = Code("E0508");

// ---- E06xx: assets ----------------------------------------------------------------------------

/// An asset file that does not exist.
pub const E0601: Code = Code("E0601");
/// An asset path that resolves outside the project root (symlinks included); it is not read.
pub const E0602: Code = Code("E0602");
/// An asset whose content is not a supported format for its use (PNG or JPEG images; WAV, OGG
/// Vorbis, FLAC or MP3 audio), whatever its extension says.
pub const E0603: Code = Code("E0603");
/// An asset that is not a regular file: a FIFO, a device, a socket or a directory. It is never
/// opened.
pub const E0604: Code = Code("E0604");
/// An asset larger than the tool accepts: more bytes than [`crate::limits::MAX_IMAGE_BYTES`] or
/// [`crate::limits::MAX_AUDIO_BYTES`], or an image side over
/// [`crate::limits::MAX_IMAGE_SIDE`] pixels.
pub const E0605: Code = Code("E0605");

// ---- E08xx: remixes ---------------------------------------------------------------------------

/// `override`, `insert` or `remove` in a file whose film extends no other (only a remix's entry
/// file may change a base film).
pub const E0801: Code = Code("E0801");
/// `override` or `remove` of a name the base film does not define.
pub const E0802: Code = Code("E0802");
/// `insert shot … after|before SHOT` where the base film has no shot SHOT.
pub const E0803: Code = Code("E0803");
/// `remove shot` of a shot another shot `continues` from.
pub const E0804: Code = Code("E0804");
/// `extends` chains that form a cycle (a film that is, through its bases, its own base).
pub const E0805: Code = Code("E0805");
/// A remix that changes one shot or definition twice (two overrides, or an override and a
/// remove, of one name).
pub const E0806: Code = Code("E0806");
/// A transition written in `insert after|before SHOT { … }` on the side where the insert keeps
/// the base's transition (above the shot for `after`, below it for `before`), while the base
/// writes one there: it would replace the base's transition. Also a `fade to black` below a shot
/// inserted after the film's last shot when the base's own `fade to black` ends the film.
pub const E0807: Code = Code("E0807");

// ---- W01xx: characters ------------------------------------------------------------------------

/// A character speaks in a shot they are not in, without `(V.O.)` or `(O.S.)`.
pub const W0101: Code = Code("W0101");

// ---- W02xx: dialogue and time -----------------------------------------------------------------

/// A line of dialogue that cannot be spoken in the time left in its shot: its spoken length
/// (measured by the speech engine, else estimated) runs past the shot's end. Reported by the
/// planner, which measures lines (`scene_plan::speech`).
pub const W0201: Code = Code("W0201");
/// A line of dialogue still being spoken when the same character's next line in the shot starts.
pub const W0202: Code = Code("W0202");
/// Spoken lengths are estimated at 15 characters a second instead of measured: the speech
/// engine (eSpeak NG) is not available, said once per film at its first line — or it failed on
/// this line.
pub const W0203: Code = Code("W0203");

// ---- W03xx: camera and keyframes --------------------------------------------------------------

/// Two image keyframes (or a `continues` frame and a keyframe) fewer than 8 frames apart: closer
/// than the video model can resolve.
pub const W0301: Code = Code("W0301");
/// Two camera moves on the same axis at the same time (`pan` and `orbit` both turn the camera).
pub const W0302: Code = Code("W0302");
/// `camera insert on CHARACTER` with `std.camera`'s `insert`, the extreme close-up of a prop:
/// the fix is `extreme_closeup`, a character's.
pub const W0303: Code = Code("W0303");

// ---- H01xx: hints ------------------------------------------------------------------------------

/// A film's own camera preset or look has the name of one that an imported standard module
/// defines (`camera insert { … }` with `import std.camera`): the film's is used everywhere, the
/// module's is not. A hint, so that a preset added to the standard library never breaks a film
/// that already defines one by that name.
pub const H0101: Code = Code("H0101");

/// The codes of the planner's dialogue timing (`scene_plan::speech`, and the subtitle track's
/// limit on the lines as timed, `scene_plan::subtitles`): reported with the checker's by
/// `scenec check` and the language server once a film checks without errors.
pub const PLANNER: &[Code] = &[E0309, W0201, W0202, W0203];

/// Every checker code, in order.
pub const ALL: &[Code] = &[
    E0101, E0102, E0103, E0104, E0105, E0106, E0107, E0108, E0109, E0110, E0111, E0112, E0113,
    E0114, E0115, E0120, E0121, E0201, E0202, E0203, E0204, E0205, E0301, E0302, E0303, E0304,
    E0305, E0306, E0307, E0308, E0309, E0313, E0314, E0315, E0316, E0401, E0402, E0403, E0404,
    E0405, E0406, E0407, E0408, E0501, E0502, E0503, E0504, E0505, E0506, E0507, E0508, E0601,
    E0602, E0603, E0604, E0605, E0801, E0802, E0803, E0804, E0805, E0806, E0807, W0101, W0201,
    W0202, W0203, W0301, W0302, W0303, H0101,
];
