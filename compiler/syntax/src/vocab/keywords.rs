//! The keyword table: every `kw_*` rule of `grammar/scene.pest` except the shot settings (which
//! are the fields of [`super::Block::Shot`]), with each context it is used in.
//!
//! The order of the table is the order messages and completion list words in, per context: the
//! items in the order a file usually holds them, the statements as LANGUAGE.md lists them.

/// Where in the language a keyword is used. A word may have several contexts (`at` starts a
/// statement, follows a character's name, and joins `scene ID at LOCATION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// Starts a top-level item: `character`, `scene`.
    Item,
    /// Starts an item of a scene other than a transition: `shot`, `play`, `stop`.
    SceneItem,
    /// Starts a transition between shots: `cut`, `dissolve`.
    Transition,
    /// Starts a statement of a shot: `camera`, `lens`, `at` (the settings are fields of a shot).
    Statement,
    /// Follows a character's name, or a comma in its chain: `enters`, `says`.
    Action,
    /// A camera move after a preset: `pan`, `dolly`.
    Move,
    /// Another clause of a `camera` statement: `lens`.
    CameraClause,
    /// The role of a sound: `music`, `sfx`, `ambience`.
    SoundRole,
    /// Introduces a part of an item or statement: `on`, `over`, `from`, `to`, `ease`.
    Part,
    /// The side of the frame a character enters or exits by.
    Side,
    /// A place in the frame: `left`, `center`, `right`.
    Position,
    /// A horizontal direction (pan, truck, wipe).
    Horizontal,
    /// A vertical direction (tilt, crane).
    Vertical,
    /// Toward or away, up or down (`dolly in`, `fade out`).
    InOut,
    /// An easing curve after `ease`.
    Ease,
    /// What `fade to` fades to.
    FadeTo,
    /// The side of its subject a camera stands on: `from behind`.
    View,
}

impl Context {
    /// Whether the context is a fixed slot after another keyword. A word used only in such
    /// contexts can still be a name (a character may be called `left`).
    pub fn is_argument(self) -> bool {
        matches!(
            self,
            Context::Side
                | Context::Position
                | Context::Horizontal
                | Context::Vertical
                | Context::InOut
                | Context::Ease
                | Context::FadeTo
                | Context::View
        )
    }
}

/// One keyword of the grammar.
#[derive(Debug)]
pub struct Keyword {
    pub word: &'static str,
    pub uses: &'static [Use],
}

impl Keyword {
    pub fn use_in(&self, context: Context) -> Option<&'static Use> {
        self.uses.iter().find(|u| u.context == context)
    }
}

/// A keyword in one context: how it is written there and what it means.
#[derive(Debug)]
pub struct Use {
    pub context: Context,
    /// The construct it starts or belongs to, as docs/language.md writes it:
    /// `pan left|right ANGLE`.
    pub syntax: &'static str,
    /// One sentence for hover and completion.
    pub doc: &'static str,
}

/// The root of the standard library's module paths (`import std.camera`). Not a grammar keyword,
/// but no definition may take it as a name.
pub const STD: &str = "std";

const fn u(context: Context, syntax: &'static str, doc: &'static str) -> Use {
    Use {
        context,
        syntax,
        doc,
    }
}

use Context::*;

pub const KEYWORDS: &[Keyword] = &[
    Keyword {
        word: "import",
        uses: &[u(
            Item,
            "import std.NAME | import \"PATH\"",
            "Imports a standard-library module or every definition of another `.scene` file.",
        )],
    },
    Keyword {
        word: "film",
        uses: &[u(
            Item,
            "film \"Title\" { … }",
            "The film: its size, frame rate, seed, look and style. At most one, in the entry file.",
        )],
    },
    Keyword {
        word: "character",
        uses: &[u(
            Item,
            "character ID { … }",
            "A character: how it looks, sounds and is named.",
        )],
    },
    Keyword {
        word: "prop",
        uses: &[u(
            Item,
            "prop ID { … }",
            "A prop: a thing that is not a person, with its description and real size.",
        )],
    },
    Keyword {
        word: "location",
        uses: &[u(
            Item,
            "location ID { … }",
            "A location: the place, its time of day, weather and ambience.",
        )],
    },
    Keyword {
        word: "sound",
        uses: &[u(
            Item,
            "sound ID = music|sfx|ambience \"file\" [GAIN]",
            "A sound: an audio file with a role and a gain.",
        )],
    },
    Keyword {
        word: "look",
        uses: &[u(
            Item,
            "look ID { … }",
            "A look: the generation settings of a visual style.",
        )],
    },
    Keyword {
        word: "camera",
        uses: &[
            u(
                Item,
                "camera ID { … }",
                "A camera preset: framing, height, lens and angle.",
            ),
            u(
                Statement,
                "camera PRESET [of CHARACTER] [on SUBJECT] [from SIDE] [past SUBJECT] [, MOVE]…",
                "The shot's camera: a preset, what it aims at, the side it stands on, and its moves.",
            ),
        ],
    },
    Keyword {
        word: "scene",
        uses: &[u(
            Item,
            "scene ID at LOCATION { … }",
            "A scene: a run of shots at one location, the transitions between them and its sound.",
        )],
    },
    Keyword {
        word: "override",
        uses: &[u(
            Item,
            "override shot|character|prop|location|look|camera|sound …",
            "In a remix: replaces a shot or sound of the base film, or merges fields over a definition.",
        )],
    },
    Keyword {
        word: "insert",
        uses: &[u(
            Item,
            "insert shot ID DURATION after|before SHOT { … }",
            "In a remix: adds a shot next to a shot of the base film.",
        )],
    },
    Keyword {
        word: "remove",
        uses: &[u(
            Item,
            "remove shot ID",
            "In a remix: drops a shot of the base film and the transitions joining it.",
        )],
    },
    Keyword {
        word: "shot",
        uses: &[u(
            SceneItem,
            "shot ID DURATION { … }",
            "A shot: one continuous take of the given duration.",
        )],
    },
    Keyword {
        word: "cut",
        uses: &[u(
            Transition,
            "cut",
            "Cuts to the next shot (the default when nothing is written).",
        )],
    },
    Keyword {
        word: "dissolve",
        uses: &[u(
            Transition,
            "dissolve D",
            "Cross-dissolves into the next shot: the two overlap by D.",
        )],
    },
    Keyword {
        word: "fade",
        uses: &[
            u(
                Transition,
                "fade D | fade to black D",
                "Fades through black into the next shot, or out to black after the last one.",
            ),
            u(
                Part,
                "fade in D | fade out D",
                "Ramps a sound cue up at its start, or down before it stops.",
            ),
        ],
    },
    Keyword {
        word: "wipe",
        uses: &[u(
            Transition,
            "wipe left|right D",
            "Wipes to the next shot toward the left or right edge; the shots overlap by D.",
        )],
    },
    Keyword {
        word: "play",
        uses: &[
            u(
                SceneItem,
                "play SOUND [GAIN] [fade in D]",
                "Plays a sound from the scene's first frame.",
            ),
            u(
                Part,
                "at TIME play SOUND|ASSET [GAIN] [fade in D]",
                "Plays a sound from that time in the shot.",
            ),
        ],
    },
    Keyword {
        word: "stop",
        uses: &[
            u(
                SceneItem,
                "stop SOUND [fade out D]",
                "Stops a sound at the scene's last frame.",
            ),
            u(
                Part,
                "at TIME stop SOUND [fade out D]",
                "Stops a sound at that time in the shot.",
            ),
        ],
    },
    Keyword {
        word: "lens",
        uses: &[
            u(
                Statement,
                "lens FOCAL [-> FOCAL]",
                "The shot's focal length; `->` zooms to a second one over the shot.",
            ),
            u(
                CameraClause,
                "lens FOCAL [-> FOCAL]",
                "The shot's focal length; `->` zooms to a second one over the shot.",
            ),
        ],
    },
    Keyword {
        word: "enters",
        uses: &[u(
            Action,
            "enters left|right|back [at T]",
            "The character or prop comes in by that edge (`back`: far upstage).",
        )],
    },
    Keyword {
        word: "exits",
        uses: &[u(
            Action,
            "exits left|right|back [at T]",
            "The character walks (or the prop moves) out by that edge.",
        )],
    },
    Keyword {
        word: "at",
        uses: &[
            u(
                Statement,
                "at TIME \"text\" | at TIME play SOUND | at TIME stop SOUND",
                "A prompt keyframe or a sound cue at a time in the shot.",
            ),
            u(
                Action,
                "at left|center|right|POINT [above DIST]",
                "Where the character or prop stands; `above` lifts a prop off the ground.",
            ),
            u(
                Part,
                "scene ID at LOCATION | keyframe at TIME | … at TIME",
                "Sets the place of a scene, or the time of an action or keyframe.",
            ),
        ],
    },
    Keyword {
        word: "walks",
        uses: &[u(
            Action,
            "walks to POSITION [over D]",
            "The character walks there (1.5s unless `over` says otherwise).",
        )],
    },
    Keyword {
        word: "runs",
        uses: &[u(
            Action,
            "runs to POSITION [over D]",
            "The character runs there (1.5s unless `over` says otherwise).",
        )],
    },
    Keyword {
        word: "moves",
        uses: &[u(
            Action,
            "moves to POSITION [above DIST] [over D]",
            "The prop moves there (1.5s unless `over` says otherwise), to that height above the ground.",
        )],
    },
    Keyword {
        word: "holds",
        uses: &[u(
            Action,
            "holds PROP [at T]",
            "The prop rides in the character's hand from then on: 0.3 m in front of them, 1 m up.",
        )],
    },
    Keyword {
        word: "drops",
        uses: &[u(
            Action,
            "drops PROP [at T]",
            "The character lets go of the prop: it falls to the ground below the hand and stays there.",
        )],
    },
    Keyword {
        word: "does",
        uses: &[u(
            Action,
            "does \"action\" [at T]",
            "An action that enters the prompt from its time on.",
        )],
    },
    Keyword {
        word: "says",
        uses: &[u(
            Action,
            "says \"line\" [(parenthetical)] [at T]",
            "A line of dialogue; `(V.O.)` or `(O.S.)` allow a speaker who is not in the shot.",
        )],
    },
    Keyword {
        word: "prompt",
        uses: &[u(
            Statement,
            "prompt \"text\"",
            "A prompt keyframe at 0s.",
        )],
    },
    Keyword {
        word: "continues",
        uses: &[u(
            Statement,
            "continues SHOT",
            "This shot's first frame continues from that shot's last frame.",
        )],
    },
    Keyword {
        word: "keyframe",
        uses: &[u(
            Statement,
            "keyframe at TIME \"image.png\"",
            "An image the video must pass through at that time.",
        )],
    },
    Keyword {
        word: "focus",
        uses: &[u(
            Statement,
            "focus on SUBJECT [at TIME]",
            "What is sharp: the focus distance follows the subject (metres along the lens axis); several with times rack focus from one to the next over 1s.",
        )],
    },
    Keyword {
        word: "title",
        uses: &[u(
            Statement,
            "title \"TEXT\" [at TIME] [over D]",
            "Text over the picture from TIME for D (never in the prompt).",
        )],
    },
    Keyword {
        word: "pan",
        uses: &[u(
            Move,
            "pan left|right ANGLE",
            "The camera turns on its axis, left or right.",
        )],
    },
    Keyword {
        word: "tilt",
        uses: &[u(
            Move,
            "tilt up|down ANGLE",
            "The camera tips its lens up or down.",
        )],
    },
    Keyword {
        word: "dolly",
        uses: &[u(
            Move,
            "dolly in|out FRACTION",
            "The camera travels toward or away from what it looks at, by that fraction of the distance.",
        )],
    },
    Keyword {
        word: "truck",
        uses: &[u(
            Move,
            "truck left|right DIST",
            "The camera travels sideways, parallel to the stage.",
        )],
    },
    Keyword {
        word: "crane",
        uses: &[u(
            Move,
            "crane up|down DIST",
            "The camera rises or sinks.",
        )],
    },
    Keyword {
        word: "orbit",
        uses: &[u(
            Move,
            "orbit [CHARACTER] ANGLE",
            "The camera circles the character (or the middle of the stage), turning to face it.",
        )],
    },
    Keyword {
        word: "follow",
        uses: &[u(
            Move,
            "follow SUBJECT",
            "A tracking shot: the camera travels with the subject's ground motion, so the subject keeps its place in frame while the world moves.",
        )],
    },
    Keyword {
        word: "keep",
        uses: &[u(
            Move,
            "keep SUBJECT",
            "The camera pans and tilts as needed to hold the subject at its place in frame while the other moves run.",
        )],
    },
    Keyword {
        word: "handheld",
        uses: &[u(
            Move,
            "handheld",
            "A small seeded shake, the same every render.",
        )],
    },
    Keyword {
        word: "static",
        uses: &[u(
            Move,
            "static",
            "Says explicitly that the camera does not move.",
        )],
    },
    Keyword {
        word: "music",
        uses: &[u(
            SoundRole,
            "sound ID = music \"file\"",
            "Music: plays once.",
        )],
    },
    Keyword {
        word: "sfx",
        uses: &[u(
            SoundRole,
            "sound ID = sfx \"file\"",
            "A sound effect: plays once.",
        )],
    },
    Keyword {
        word: "ambience",
        uses: &[u(
            SoundRole,
            "sound ID = ambience \"file\"",
            "Ambience: loops.",
        )],
    },
    Keyword {
        word: "extends",
        uses: &[u(
            Part,
            "film \"Title\" extends \"PATH\" { … }",
            "Makes the film a remix: the film at PATH, changed only where this file says.",
        )],
    },
    Keyword {
        word: "after",
        uses: &[u(
            Part,
            "insert shot ID DURATION after SHOT { … }",
            "Puts a remix's new shot right after a shot of the base film.",
        )],
    },
    Keyword {
        word: "before",
        uses: &[u(
            Part,
            "insert shot ID DURATION before SHOT { … }",
            "Puts a remix's new shot right before a shot of the base film.",
        )],
    },
    Keyword {
        word: "on",
        uses: &[u(
            Part,
            "camera PRESET on CHARACTER|PROP",
            "Aims the camera at where the character or prop stands on the shot's first frame.",
        )],
    },
    Keyword {
        word: "of",
        uses: &[u(
            Part,
            "camera pov of CHARACTER",
            "Puts the camera in the character's eyes (1.6 m up, where it stands), looking where it faces.",
        )],
    },
    Keyword {
        word: "past",
        uses: &[u(
            Part,
            "camera PRESET on SUBJECT past SUBJECT",
            "Over the second subject's shoulder onto the first: it stands in the near foreground at the frame edge nearest it.",
        )],
    },
    Keyword {
        word: "above",
        uses: &[u(
            Part,
            "at POINT above DIST | moves to POINT above DIST",
            "A prop's height above the ground (default 0m).",
        )],
    },
    Keyword {
        word: "over",
        uses: &[u(
            Part,
            "over DURATION",
            "How long a move, walk, zoom or title takes.",
        )],
    },
    Keyword {
        word: "from",
        uses: &[u(
            Part,
            "from TIME to TIME | camera PRESET on SUBJECT from front|behind|left|right",
            "When a move or zoom runs, or the side of its subject the camera stands on.",
        )],
    },
    Keyword {
        word: "to",
        uses: &[u(
            Part,
            "walks to POSITION | from TIME to TIME | fade to black D",
            "Where a walk ends, when a move ends, or what a fade ends on.",
        )],
    },
    Keyword {
        word: "ease",
        uses: &[u(
            Part,
            "ease in|out|in_out|linear",
            "How a move gathers and loses speed (default `in_out`).",
        )],
    },
    Keyword {
        word: "left",
        uses: &[
            u(Side, "enters left", "The frame's left edge."),
            u(Position, "at left", "25% across the frame."),
            u(Horizontal, "pan left", "Toward the left."),
            u(View, "from left", "The camera stands at the subject's left side: a profile."),
        ],
    },
    Keyword {
        word: "front",
        uses: &[u(
            View,
            "from front",
            "The camera faces the subject (the default): it sees the face.",
        )],
    },
    Keyword {
        word: "behind",
        uses: &[u(
            View,
            "from behind",
            "The camera stands behind the subject: it sees the subject's back.",
        )],
    },
    Keyword {
        word: "center",
        uses: &[u(Position, "at center", "The middle of the frame.")],
    },
    Keyword {
        word: "right",
        uses: &[
            u(Side, "enters right", "The frame's right edge."),
            u(Position, "at right", "75% across the frame."),
            u(Horizontal, "pan right", "Toward the right."),
            u(View, "from right", "The camera stands at the subject's right side: a profile."),
        ],
    },
    Keyword {
        word: "back",
        uses: &[u(Side, "enters back", "Far upstage, behind the action.")],
    },
    Keyword {
        word: "up",
        uses: &[u(Vertical, "tilt up", "Upward.")],
    },
    Keyword {
        word: "down",
        uses: &[u(Vertical, "tilt down", "Downward.")],
    },
    Keyword {
        word: "in",
        uses: &[
            u(InOut, "dolly in | fade in D", "Toward the subject, or ramping up."),
            u(
                Ease,
                "ease in",
                "Starts at rest, ends at speed (progress `u²`).",
            ),
        ],
    },
    Keyword {
        word: "out",
        uses: &[
            u(
                InOut,
                "dolly out | fade out D",
                "Away from the subject, or ramping down.",
            ),
            u(
                Ease,
                "ease out",
                "Starts at speed, settles (progress `1 − (1 − u)²`).",
            ),
        ],
    },
    Keyword {
        word: "in_out",
        uses: &[u(
            Ease,
            "ease in_out",
            "Starts and ends at rest, an operator's move (progress `u²(3 − 2u)`); the default.",
        )],
    },
    Keyword {
        word: "linear",
        uses: &[u(
            Ease,
            "ease linear",
            "Constant speed, a mechanical move (progress `u`).",
        )],
    },
    Keyword {
        word: "black",
        uses: &[u(
            FadeTo,
            "fade to black D",
            "The last shot fades out to black over D.",
        )],
    },
];
