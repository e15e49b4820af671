//! Screenplay transitions and the language's: `CUT TO:` is a cut, `DISSOLVE TO:` a dissolve,
//! `FADE OUT.` a fade (through black, or to black at the end of the film).

use super::timing::Tenths;

/// A transition of the scene language, with its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    Cut,
    Dissolve(Tenths),
    /// Through black between two shots; `fade to black` after the last one.
    Fade(Tenths),
    WipeRight(Tenths),
}

impl Join {
    pub fn length(self) -> Option<Tenths> {
        match self {
            Join::Cut => None,
            Join::Dissolve(t) | Join::Fade(t) | Join::WipeRight(t) => Some(t),
        }
    }

    pub fn with_length(self, t: Tenths) -> Join {
        match self {
            Join::Cut => Join::Cut,
            Join::Dissolve(_) => Join::Dissolve(t),
            Join::Fade(_) => Join::Fade(t),
            Join::WipeRight(_) => Join::WipeRight(t),
        }
    }

    /// The transition as written between two shots, or (`last`) after the film's last shot.
    pub fn text(self, last: bool) -> String {
        match (self, last) {
            (Join::Cut, _) => "cut".to_string(),
            (Join::Dissolve(t), _) => format!("dissolve {}", t.literal()),
            (Join::Fade(t), true) => format!("fade to black {}", t.literal()),
            (Join::Fade(t), false) => format!("fade {}", t.literal()),
            (Join::WipeRight(t), _) => format!("wipe right {}", t.literal()),
        }
    }
}

/// What a screenplay transition means here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The language has it; `exact` when nothing of the original is lost (`CUT TO:`).
    Known { join: Join, exact: bool },
    /// `FADE IN:`: the picture comes up from black.
    FadeIn,
    /// `FADE OUT.`, `FADE TO BLACK.`: the picture goes to black.
    FadeOut,
    /// No equivalent: written as this instead.
    Unknown(Join),
}

const ONE_SECOND: Tenths = Tenths(10);

/// Reads a transition's text (`SMASH CUT TO:`, `Burn to White.`).
pub fn read(text: &str) -> Reading {
    let t = text
        .trim()
        .trim_end_matches([':', '.', '!'])
        .trim()
        .to_uppercase();
    let t = crate::screenplay::collapse([t.as_str()]);
    match t.as_str() {
        "FADE IN" | "FADE UP" | "FADE IN FROM BLACK" => return Reading::FadeIn,
        "FADE OUT" | "FADE TO BLACK" | "CUT TO BLACK" | "FADE OUT TO BLACK" | "SMASH TO BLACK" => {
            return Reading::FadeOut
        }
        "CUT TO" | "CUT" => {
            return Reading::Known {
                join: Join::Cut,
                exact: true,
            }
        }
        _ => {}
    }
    let known = |join| Reading::Known { join, exact: false };
    if t.ends_with("CUT TO") || t == "TIME CUT" || t == "INTERCUT" || t == "BACK TO" {
        return known(Join::Cut);
    }
    if t.contains("DISSOLVE") || t == "MIX TO" || t == "LAP TO" {
        let slow = t.contains("SLOW");
        return known(Join::Dissolve(if slow { Tenths(20) } else { ONE_SECOND }));
    }
    if t.contains("WIPE") {
        return known(Join::WipeRight(ONE_SECOND));
    }
    if t == "FADE TO" {
        return known(Join::Fade(ONE_SECOND));
    }
    if t.starts_with("FADE") {
        // `FADE TO WHITE`: a fade, but not through white.
        return Reading::Unknown(Join::Fade(ONE_SECOND));
    }
    Reading::Unknown(Join::Cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings() {
        assert_eq!(
            read("CUT TO:"),
            Reading::Known {
                join: Join::Cut,
                exact: true
            }
        );
        assert_eq!(
            read("SMASH CUT TO:"),
            Reading::Known {
                join: Join::Cut,
                exact: false
            }
        );
        assert_eq!(
            read("DISSOLVE TO:"),
            Reading::Known {
                join: Join::Dissolve(Tenths(10)),
                exact: false
            }
        );
        assert_eq!(
            read("SLOW DISSOLVE TO:"),
            Reading::Known {
                join: Join::Dissolve(Tenths(20)),
                exact: false
            }
        );
        assert_eq!(read("FADE OUT."), Reading::FadeOut);
        assert_eq!(read("FADE TO BLACK."), Reading::FadeOut);
        assert_eq!(read("FADE IN:"), Reading::FadeIn);
        assert_eq!(read("Burn to White."), Reading::Unknown(Join::Cut));
        assert_eq!(
            read("FADE TO WHITE."),
            Reading::Unknown(Join::Fade(Tenths(10)))
        );
        assert!(matches!(
            read("WIPE TO:"),
            Reading::Known {
                join: Join::WipeRight(_),
                ..
            }
        ));
    }

    #[test]
    fn texts() {
        assert_eq!(Join::Fade(Tenths(10)).text(true), "fade to black 1s");
        assert_eq!(Join::Fade(Tenths(5)).text(false), "fade 0.5s");
        assert_eq!(Join::Dissolve(Tenths(10)).text(false), "dissolve 1s");
        assert_eq!(Join::Cut.text(false), "cut");
    }
}
