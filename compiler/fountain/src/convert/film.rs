//! The film being written: definitions, scenes and shots as the importer decides them, printed
//! as `.scene` text (which `scene_syntax::format` then makes canonical).

use super::heading::{Setting, Time};
use super::text::{comment_lines, string};
use super::timing::Tenths;
use super::transition::Join;

pub struct Film {
    /// Comment lines at the top of the file.
    pub header: Vec<String>,
    pub title: String,
    /// Comment lines inside the `film` block (the title page's other keys).
    pub title_notes: Vec<String>,
    pub characters: Vec<CharacterDef>,
    pub locations: Vec<LocationDef>,
    pub scenes: Vec<SceneDef>,
}

pub struct CharacterDef {
    pub id: String,
    pub name: String,
    pub description: String,
    pub notes: Vec<String>,
}

pub struct LocationDef {
    pub id: String,
    pub description: String,
    pub time: Time,
    pub setting: Option<Setting>,
}

pub struct SceneDef {
    pub id: String,
    pub location: String,
    pub items: Vec<Item>,
}

pub enum Item {
    Shot(ShotDef),
    /// A transition, with the screenplay's own words as a trailing comment when they say more.
    Join(Join, Option<String>),
    /// Comment lines (`// …`), already prefixed.
    Comment(Vec<String>),
}

pub struct ShotDef {
    pub id: String,
    pub length: Tenths,
    pub statements: Vec<Statement>,
}

pub struct Statement {
    pub text: String,
    /// Comment lines printed above the statement.
    pub notes: Vec<String>,
}

impl Statement {
    pub fn new(text: impl Into<String>) -> Statement {
        Statement {
            text: text.into(),
            notes: Vec::new(),
        }
    }
}

/// Whether the language of this build has `setting interior|exterior` on locations.
pub const WRITES_SETTING: bool = false;

impl Film {
    /// The film as `.scene` text (valid, not yet canonical).
    pub fn print(&self) -> String {
        let mut p = Printer::default();
        for line in &self.header {
            p.line(line);
        }
        p.blank();
        p.open(&format!("film {}", string(&self.title)));
        for line in &self.title_notes {
            p.line(line);
        }
        p.close();
        for c in &self.characters {
            p.blank();
            for line in &c.notes {
                p.line(line);
            }
            p.open(&format!("character {}", c.id));
            p.line(&format!("name {}", string(&c.name)));
            p.line(&format!("description {}", string(&c.description)));
            p.close();
        }
        for l in &self.locations {
            p.blank();
            p.open(&format!("location {}", l.id));
            p.line(&format!("description {}", string(&l.description)));
            if WRITES_SETTING {
                if let Some(setting) = l.setting {
                    p.line(&format!(
                        "setting {}",
                        match setting {
                            Setting::Interior => "interior",
                            Setting::Exterior | Setting::Both => "exterior",
                        }
                    ));
                }
            }
            p.line(&format!("time {}", l.time.word()));
            p.close();
        }
        let last_shot = self
            .scenes
            .iter()
            .rev()
            .flat_map(|s| s.items.iter().rev())
            .find_map(|i| match i {
                Item::Shot(s) => Some(s.id.as_str()),
                _ => None,
            });
        let mut seen_last = false;
        for scene in &self.scenes {
            p.blank();
            p.open(&format!("scene {} at {}", scene.id, scene.location));
            for item in &scene.items {
                match item {
                    Item::Shot(shot) => {
                        seen_last |= Some(shot.id.as_str()) == last_shot;
                        p.open(&format!("shot {} {}", shot.id, shot.length.literal()));
                        for st in &shot.statements {
                            for line in &st.notes {
                                p.line(line);
                            }
                            if !st.text.is_empty() {
                                p.line(&st.text);
                            }
                        }
                        p.close();
                    }
                    Item::Join(join, note) => {
                        let mut text = join.text(seen_last);
                        if let Some(note) = note {
                            text.push_str(" // ");
                            text.push_str(note);
                        }
                        p.line(&text);
                    }
                    Item::Comment(lines) => {
                        for line in lines {
                            p.line(line);
                        }
                    }
                }
            }
            p.close();
        }
        p.out
    }
}

/// Comment lines for a title page entry or a kept screenplay element.
pub fn notes(text: &str) -> Vec<String> {
    let lines = comment_lines(text);
    if lines.is_empty() {
        vec!["//".to_string()]
    } else {
        lines
    }
}

#[derive(Default)]
struct Printer {
    out: String,
    depth: usize,
}

impl Printer {
    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }
    fn blank(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }
    fn open(&mut self, header: &str) {
        self.line(&format!("{header} {{"));
        self.depth += 1;
    }
    fn close(&mut self) {
        self.depth -= 1;
        self.line("}");
    }
}
