//! Turning pest pairs into AST nodes.
//!
//! Pest parses one piece of the file at a time (see `parser`), so every pair's offsets are
//! relative to that piece: `base` moves them back to file offsets. The grammar guarantees the
//! shape of each pair; a shape we did not expect yields `None`, never a panic.

use pest::iterators::Pair;

use crate::ast::*;
use crate::grammar::Rule;
use crate::span::{FileId, Span, Spanned};

pub(crate) type P<'i> = Pair<'i, Rule>;

/// The inner pairs of `p` without punctuation (`{`, `,`, `->`, …), which carries no meaning.
fn kids<'i>(p: &P<'i>) -> impl Iterator<Item = P<'i>> {
    p.clone().into_inner().filter(|q| {
        !matches!(
            q.as_rule(),
            Rule::lbrace
                | Rule::rbrace
                | Rule::lparen
                | Rule::rparen
                | Rule::comma
                | Rule::arrow
                | Rule::equals
        )
    })
}

pub(crate) struct Builder {
    pub file: FileId,
    pub base: usize,
}

impl Builder {
    pub fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn ident(&self, p: &P) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    fn string(&self, p: &P) -> StrLit {
        let span = self.span(p);
        let text = p.as_str();
        let (multiline, inner) = if text.len() >= 6 && text.starts_with("\"\"\"") {
            (true, &text[3..text.len() - 3])
        } else if text.len() >= 2 {
            (false, &text[1..text.len() - 1])
        } else {
            (false, "")
        };
        StrLit {
            value: unescape(inner),
            multiline,
            span,
        }
    }

    /// A `value` pair, or any rule that wraps one literal (`time`, `duration`, …).
    fn value(&self, p: &P) -> Option<Value> {
        let span = self.span(p);
        let kind = match p.as_rule() {
            // Atomic wrappers around a number: their text is the number.
            Rule::shot_duration
            | Rule::duration
            | Rule::time
            | Rule::gain
            | Rule::focal
            | Rule::angle
            | Rule::fraction
            | Rule::distance => ValueKind::Number(number(p.as_str())),
            Rule::value | Rule::point_coord | Rule::asset | Rule::sound_target => {
                return self.value(&kids(p).next()?)
            }
            Rule::number => ValueKind::Number(number(p.as_str())),
            Rule::string => ValueKind::Str(self.string(p).value),
            Rule::ident => ValueKind::Ident(p.as_str().to_string()),
            Rule::color => ValueKind::Color(color(p.as_str())?),
            Rule::size => {
                let (w, h) = p.as_str().split_once('x')?;
                ValueKind::Size {
                    width: saturating_u64(w),
                    height: saturating_u64(h),
                }
            }
            Rule::point => {
                let mut inner = kids(p);
                let x = self.value(&inner.next()?)?;
                let y = self.value(&inner.next()?)?;
                ValueKind::Point(Box::new(x), Box::new(y))
            }
            _ => return None,
        };
        Some(Value { kind, span })
    }

    // ---------------------------------------------------------------------------------------
    // Items

    pub fn item(&self, p: &P) -> Option<Item> {
        let span = self.span(p);
        let kind = match p.as_rule() {
            Rule::import => {
                let target = kids(p).find(|q| q.as_rule() != Rule::kw_import)?;
                match target.as_rule() {
                    Rule::string => ItemKind::Import(Import::File(self.string(&target))),
                    Rule::module_path => ItemKind::Import(Import::Module(
                        target.into_inner().map(|q| self.ident(&q)).collect(),
                    )),
                    _ => return None,
                }
            }
            Rule::film => {
                let mut inner = kids(p);
                let (title, extends) = self.film_header(&inner.next()?)?;
                let fields = inner.map(|q| self.field(&q)).collect::<Option<Vec<_>>>()?;
                ItemKind::Film(FilmDef {
                    title,
                    extends,
                    fields,
                })
            }
            Rule::block_def => {
                let mut inner = kids(p);
                let (kw, name) = self.block_def_header(&inner.next()?)?;
                let fields = inner.map(|q| self.field(&q)).collect::<Option<Vec<_>>>()?;
                block_item(&kw, BlockDef { name, fields })?
            }
            Rule::sound_def => ItemKind::Sound(self.sound_def(p)?),
            Rule::scene => {
                let mut inner = kids(p);
                let (name, location) = self.scene_header(&inner.next()?)?;
                let items = inner
                    .map(|q| self.scene_item(&q))
                    .collect::<Option<Vec<_>>>()?;
                ItemKind::Scene(SceneDef {
                    name,
                    location,
                    items,
                })
            }
            Rule::override_def => ItemKind::Override(self.override_def(p)?),
            Rule::insert_shot => {
                let mut inner = kids(p);
                let (name, duration, place, anchor) = self.insert_header(&inner.next()?)?;
                let statements = inner
                    .map(|q| self.statement(&q))
                    .collect::<Option<Vec<_>>>()?;
                ItemKind::Insert(InsertShot {
                    shot: ShotDef {
                        name,
                        duration,
                        statements,
                    },
                    place,
                    anchor,
                    block: None,
                })
            }
            Rule::insert_block => {
                let mut inner = kids(p);
                let (place, anchor) = self.insert_block_header(&inner.next()?)?;
                let items = inner
                    .map(|q| self.scene_item(&q))
                    .collect::<Option<Vec<_>>>()?;
                ItemKind::Insert(insert_block(place, anchor, items)?)
            }
            Rule::remove_shot => {
                let name = kids(p).find(|q| q.as_rule() == Rule::ident)?;
                ItemKind::Remove(RemoveShot {
                    name: self.ident(&name),
                })
            }
            _ => return None,
        };
        Some(Item { kind, span })
    }

    /// The title and, for a remix, the `extends` path.
    pub fn film_header(&self, p: &P) -> Option<(StrLit, Option<StrLit>)> {
        let mut title = None;
        let mut extends = None;
        for q in kids(p) {
            match q.as_rule() {
                Rule::string => title = Some(self.string(&q)),
                Rule::extends => {
                    let path = kids(&q).find(|r| r.as_rule() == Rule::string)?;
                    extends = Some(self.string(&path));
                }
                _ => {}
            }
        }
        Some((title?, extends))
    }

    fn override_def(&self, p: &P) -> Option<Override> {
        let def = kids(p).find(|q| q.as_rule() != Rule::kw_override)?;
        let span = self.span(&def);
        let target = match def.as_rule() {
            Rule::shot => match self.scene_item(&def)?.kind {
                SceneItemKind::Shot(shot) => OverrideTarget::Shot(shot),
                _ => return None,
            },
            Rule::sound_def => OverrideTarget::Sound(self.sound_def(&def)?),
            Rule::block_def => {
                let mut inner = kids(&def);
                let (kw, name) = self.block_def_header(&inner.next()?)?;
                let fields = inner.map(|q| self.field(&q)).collect::<Option<Vec<_>>>()?;
                override_block(&kw, BlockDef { name, fields })?
            }
            _ => return None,
        };
        Some(Override { target, span })
    }

    /// `insert after|before SHOT`: the place and anchor.
    pub fn insert_block_header(&self, p: &P) -> Option<(Spanned<Place>, Ident)> {
        let anchor = kids(p).find(|q| q.as_rule() == Rule::anchor)?;
        self.anchor(&anchor)
    }

    fn anchor(&self, p: &P) -> Option<(Spanned<Place>, Ident)> {
        let mut inner = kids(p);
        let word = inner.next()?;
        let place = match word.as_rule() {
            Rule::kw_after => Place::After,
            Rule::kw_before => Place::Before,
            _ => return None,
        };
        let shot = self.ident(&inner.next()?);
        Some((Spanned::new(place, self.span(&word)), shot))
    }

    /// `insert shot ID DURATION after|before SHOT`: the name, duration, place and anchor.
    pub fn insert_header(&self, p: &P) -> Option<(Ident, Value, Spanned<Place>, Ident)> {
        let mut name = None;
        let mut duration = None;
        let mut anchor = None;
        for q in kids(p) {
            match q.as_rule() {
                Rule::ident => name = Some(self.ident(&q)),
                Rule::shot_duration => duration = self.value(&q),
                Rule::anchor => anchor = Some(self.anchor(&q)?),
                _ => {}
            }
        }
        let (place, anchor) = anchor?;
        Some((name?, duration?, place, anchor))
    }

    /// The keyword (`character`, …) and the name.
    pub fn block_def_header(&self, p: &P) -> Option<(String, Ident)> {
        let mut inner = kids(p);
        let kw = inner.next()?.as_str().to_string();
        let name = self.ident(&inner.next()?);
        Some((kw, name))
    }

    pub fn scene_header(&self, p: &P) -> Option<(Ident, Ident)> {
        let mut idents = kids(p).filter(|q| q.as_rule() == Rule::ident);
        let name = self.ident(&idents.next()?);
        let location = self.ident(&idents.next()?);
        Some((name, location))
    }

    pub fn shot_header(&self, p: &P) -> Option<(Ident, Value)> {
        let mut name = None;
        let mut duration = None;
        for q in kids(p) {
            match q.as_rule() {
                Rule::ident => name = Some(self.ident(&q)),
                Rule::shot_duration => duration = self.value(&q),
                _ => {}
            }
        }
        Some((name?, duration?))
    }

    pub fn field(&self, p: &P) -> Option<Field> {
        let span = self.span(p);
        let mut inner = kids(p);
        let key = self.ident(&inner.next()?);
        let values = inner.map(|q| self.value(&q)).collect::<Option<Vec<_>>>()?;
        Some(Field { key, values, span })
    }

    fn sound_def(&self, p: &P) -> Option<SoundDef> {
        let (mut name, mut role, mut asset, mut gain) = (None, None, None, None);
        for q in kids(p) {
            match q.as_rule() {
                Rule::ident => name = Some(self.ident(&q)),
                Rule::sound_role => {
                    let r = match q.as_str() {
                        "music" => SoundRole::Music,
                        "sfx" => SoundRole::Sfx,
                        "ambience" => SoundRole::Ambience,
                        _ => return None,
                    };
                    role = Some(Spanned::new(r, self.span(&q)));
                }
                Rule::asset => asset = self.value(&q),
                Rule::gain => gain = self.value(&q),
                _ => {}
            }
        }
        Some(SoundDef {
            name: name?,
            role: role?,
            asset: asset?,
            gain,
        })
    }

    // ---------------------------------------------------------------------------------------
    // Scenes

    pub fn scene_item(&self, p: &P) -> Option<SceneItem> {
        let span = self.span(p);
        let kind = match p.as_rule() {
            Rule::shot => {
                let mut inner = kids(p);
                let (name, duration) = self.shot_header(&inner.next()?)?;
                let statements = inner
                    .map(|q| self.statement(&q))
                    .collect::<Option<Vec<_>>>()?;
                SceneItemKind::Shot(ShotDef {
                    name,
                    duration,
                    statements,
                })
            }
            Rule::transition => SceneItemKind::Transition(self.transition(p)?),
            Rule::scene_play => SceneItemKind::Play(self.play(p)?),
            Rule::scene_stop => SceneItemKind::Stop(self.stop(p)?),
            _ => return None,
        };
        Some(SceneItem { kind, span })
    }

    fn transition(&self, p: &P) -> Option<TransitionDef> {
        let mut kind = None;
        let mut duration = None;
        for q in kids(p) {
            match q.as_rule() {
                Rule::kw_cut => kind = Some(Spanned::new(TransitionKind::Cut, self.span(&q))),
                Rule::transition_kind => {
                    let words: Vec<&str> = kids(&q).map(|w| w.as_str()).collect();
                    let k = match words.as_slice() {
                        ["dissolve"] => TransitionKind::Dissolve,
                        ["fade"] => TransitionKind::Fade,
                        ["fade", "to", "black"] => TransitionKind::FadeToBlack,
                        ["wipe", "left"] => TransitionKind::WipeLeft,
                        ["wipe", "right"] => TransitionKind::WipeRight,
                        _ => return None,
                    };
                    kind = Some(Spanned::new(k, self.span(&q)));
                }
                Rule::duration => duration = self.value(&q),
                _ => {}
            }
        }
        Some(TransitionDef {
            kind: kind?,
            duration,
        })
    }

    /// `[at T] play TARGET [GAIN] [fade in D]`, from any rule that holds those parts.
    fn play(&self, p: &P) -> Option<PlayCue> {
        let (mut at, mut sound, mut gain, mut fade_in) = (None, None, None, None);
        for q in kids(p) {
            match q.as_rule() {
                Rule::time => at = self.value(&q),
                Rule::sound_target => sound = self.sound_target(&q),
                Rule::gain => gain = self.value(&q),
                Rule::fade_in => fade_in = self.last_value(&q),
                _ => {}
            }
        }
        Some(PlayCue {
            at,
            sound: sound?,
            gain,
            fade_in,
        })
    }

    fn stop(&self, p: &P) -> Option<StopCue> {
        let (mut at, mut sound, mut fade_out) = (None, None, None);
        for q in kids(p) {
            match q.as_rule() {
                Rule::time => at = self.value(&q),
                Rule::sound_target => sound = self.sound_target(&q),
                Rule::fade_out => fade_out = self.last_value(&q),
                _ => {}
            }
        }
        Some(StopCue {
            at,
            sound: sound?,
            fade_out,
        })
    }

    fn sound_target(&self, p: &P) -> Option<SoundTarget> {
        let q = kids(p).next()?;
        match q.as_rule() {
            Rule::ident => Some(SoundTarget::Name(self.ident(&q))),
            Rule::string => Some(SoundTarget::Asset(self.string(&q))),
            _ => None,
        }
    }

    /// The value of the last inner pair (`fade in 2s` → `2s`).
    fn last_value(&self, p: &P) -> Option<Value> {
        self.value(&kids(p).last()?)
    }

    // ---------------------------------------------------------------------------------------
    // Shot statements

    pub fn statement(&self, p: &P) -> Option<Statement> {
        let span = self.span(p);
        let kind = match p.as_rule() {
            Rule::camera_stmt => StatementKind::Camera(self.camera(p)?),
            Rule::lens_stmt => StatementKind::Lens(self.lens(&kids(p).next()?)?),
            Rule::prompt_at => {
                let mut at = None;
                let mut text = None;
                for q in kids(p) {
                    match q.as_rule() {
                        Rule::time => at = self.value(&q),
                        Rule::string => text = Some(self.string(&q)),
                        _ => {}
                    }
                }
                StatementKind::Prompt {
                    at: Some(at?),
                    text: text?,
                }
            }
            Rule::prompt_stmt => {
                let s = kids(p).find(|q| q.as_rule() == Rule::string)?;
                StatementKind::Prompt {
                    at: None,
                    text: self.string(&s),
                }
            }
            Rule::play_at => StatementKind::Play(self.play(p)?),
            Rule::stop_at => StatementKind::Stop(self.stop(p)?),
            Rule::continues_stmt => {
                let q = kids(p).find(|q| q.as_rule() == Rule::ident)?;
                StatementKind::Continues(self.ident(&q))
            }
            Rule::keyframe_stmt => {
                let mut at = None;
                let mut image = None;
                for q in kids(p) {
                    match q.as_rule() {
                        Rule::time => at = self.value(&q),
                        Rule::string => image = Some(self.string(&q)),
                        _ => {}
                    }
                }
                StatementKind::Keyframe {
                    at: at?,
                    image: image?,
                }
            }
            Rule::title_stmt => {
                let (mut text, mut at, mut over) = (None, None, None);
                for q in kids(p) {
                    match q.as_rule() {
                        Rule::string => text = Some(self.string(&q)),
                        Rule::time => at = self.value(&q),
                        Rule::duration => over = self.value(&q),
                        _ => {}
                    }
                }
                StatementKind::Title {
                    text: text?,
                    at,
                    over,
                }
            }
            Rule::focus_stmt => {
                let subject = self.ident(&kids(p).find(|q| q.as_rule() == Rule::ident)?);
                let at = kids(p)
                    .find(|q| q.as_rule() == Rule::time)
                    .and_then(|q| self.value(&q));
                StatementKind::Focus { subject, at }
            }
            Rule::character_stmt => {
                let mut inner = kids(p);
                let character = self.ident(&inner.next()?);
                let actions = inner.map(|q| self.action(&q)).collect::<Option<Vec<_>>>()?;
                StatementKind::Character(CharacterStmt { character, actions })
            }
            Rule::setting => {
                let mut inner = kids(p);
                let key = self.ident(&inner.next()?);
                let values = inner.map(|q| self.value(&q)).collect::<Option<Vec<_>>>()?;
                StatementKind::Setting(Field { key, values, span })
            }
            _ => return None,
        };
        Some(Statement { kind, span })
    }

    fn camera(&self, p: &P) -> Option<CameraStmt> {
        let mut preset = None;
        let (mut of, mut on, mut from, mut past) = (None, None, None, None);
        let mut clauses = Vec::new();
        let named = |q: &P| {
            kids(q)
                .find(|w| w.as_rule() == Rule::ident)
                .map(|w| self.ident(&w))
        };
        for q in kids(p) {
            match q.as_rule() {
                Rule::ident if preset.is_none() => preset = Some(self.ident(&q)),
                Rule::ident => on = Some(self.ident(&q)),
                Rule::pov_of => of = named(&q),
                Rule::past => past = named(&q),
                Rule::view_from => {
                    let side = kids(&q).find(|w| w.as_rule() == Rule::view_side)?;
                    let word = kids(&side).next()?;
                    let node = match word.as_rule() {
                        Rule::kw_front => ViewSide::Front,
                        Rule::kw_behind => ViewSide::Behind,
                        Rule::kw_left => ViewSide::Left,
                        Rule::kw_right => ViewSide::Right,
                        _ => return None,
                    };
                    from = Some(Spanned::new(node, self.span(&side)));
                }
                Rule::lens_spec => clauses.push(CameraClause::Lens(self.lens(&q)?)),
                Rule::camera_move => clauses.push(CameraClause::Move(self.camera_move(&q)?)),
                _ => {}
            }
        }
        Some(CameraStmt {
            preset: preset?,
            of,
            on,
            from,
            past,
            clauses,
        })
    }

    fn lens(&self, p: &P) -> Option<LensSpec> {
        let span = self.span(p);
        let (mut from, mut to, mut timing, mut ease) = (None, None, None, None);
        for q in kids(p) {
            match q.as_rule() {
                Rule::focal if from.is_none() => from = self.value(&q),
                Rule::focal => to = self.value(&q),
                Rule::timing => timing = self.timing(&q),
                Rule::ease => ease = self.ease(&q),
                _ => {}
            }
        }
        Some(LensSpec {
            from: from?,
            to,
            timing,
            ease,
            span,
        })
    }

    fn camera_move(&self, p: &P) -> Option<Move> {
        let span = self.span(p);
        let (mut kind, mut amount, mut timing, mut ease) = (None, None, None, None);
        for q in kids(p) {
            let word = |i: usize| kids(&q).nth(i).map(|w| w.as_str().to_string());
            let k = match q.as_rule() {
                Rule::pan_head => Some(MoveKind::Pan(hdir(&word(1)?)?)),
                Rule::tilt_head => Some(MoveKind::Tilt(vdir(&word(1)?)?)),
                Rule::dolly_head => Some(MoveKind::Dolly(match word(1)?.as_str() {
                    "in" => DollyDir::In,
                    "out" => DollyDir::Out,
                    _ => return None,
                })),
                Rule::truck_head => Some(MoveKind::Truck(hdir(&word(1)?)?)),
                Rule::crane_head => Some(MoveKind::Crane(vdir(&word(1)?)?)),
                Rule::orbit_head => Some(MoveKind::Orbit(
                    kids(&q)
                        .find(|w| w.as_rule() == Rule::ident)
                        .map(|w| self.ident(&w)),
                )),
                Rule::kw_handheld => Some(MoveKind::Handheld),
                Rule::kw_static => Some(MoveKind::Static),
                Rule::follow_head | Rule::keep_head => {
                    let who = self.ident(&kids(&q).find(|w| w.as_rule() == Rule::ident)?);
                    Some(if q.as_rule() == Rule::follow_head {
                        MoveKind::Follow(who)
                    } else {
                        MoveKind::Keep(who)
                    })
                }
                Rule::angle | Rule::fraction | Rule::distance => {
                    amount = self.value(&q);
                    None
                }
                Rule::timing => {
                    timing = self.timing(&q);
                    None
                }
                Rule::ease => {
                    ease = self.ease(&q);
                    None
                }
                _ => None,
            };
            if let Some(k) = k {
                kind = Some(Spanned::new(k, self.span(&q)));
            }
        }
        Some(Move {
            kind: kind?,
            amount,
            timing,
            ease,
            span,
        })
    }

    fn timing(&self, p: &P) -> Option<MoveTiming> {
        let values: Vec<Value> = p
            .clone()
            .into_inner()
            .filter(|q| matches!(q.as_rule(), Rule::duration | Rule::time))
            .map(|q| self.value(&q))
            .collect::<Option<_>>()?;
        let mut values = values.into_iter();
        match (values.next(), values.next()) {
            (Some(d), None) => Some(MoveTiming::Over(d)),
            (Some(a), Some(b)) => Some(MoveTiming::FromTo(a, b)),
            _ => None,
        }
    }

    fn ease(&self, p: &P) -> Option<Spanned<Ease>> {
        let e = match kids(p).nth(1)?.as_str() {
            "in" => Ease::In,
            "out" => Ease::Out,
            "in_out" => Ease::InOut,
            "linear" => Ease::Linear,
            _ => return None,
        };
        Some(Spanned::new(e, self.span(p)))
    }

    fn action(&self, p: &P) -> Option<Action> {
        let span = self.span(p);
        let mut at = None;
        let mut over = None;
        let mut side = None;
        let mut text = None;
        let mut position = None;
        let mut gait = None;
        let mut parenthetical = None;
        let mut above = None;
        let mut prop = None;
        for q in kids(p) {
            match q.as_rule() {
                Rule::ident => prop = Some(self.ident(&q)),
                Rule::above => above = self.last_value(&q),
                Rule::time => at = self.value(&q),
                Rule::duration => over = self.value(&q),
                Rule::side => {
                    let s = match q.as_str() {
                        "left" => Side::Left,
                        "right" => Side::Right,
                        "back" => Side::Back,
                        _ => return None,
                    };
                    side = Some(Spanned::new(s, self.span(&q)));
                }
                Rule::string => text = Some(self.string(&q)),
                Rule::position => position = Some(self.position(&q)?),
                Rule::gait => {
                    let g = match q.as_str() {
                        "runs" => Gait::Runs,
                        "moves" => Gait::Moves,
                        _ => Gait::Walks,
                    };
                    gait = Some(Spanned::new(g, self.span(&q)));
                }
                Rule::parenthetical => {
                    let inner = kids(&q).next()?;
                    parenthetical = Some(Spanned::new(
                        inner.as_str().trim().to_string(),
                        self.span(&q),
                    ));
                }
                _ => {}
            }
        }
        let kind = match p.as_rule() {
            Rule::enters => ActionKind::Enters { side: side?, at },
            Rule::exits => ActionKind::Exits { side: side?, at },
            Rule::place => ActionKind::Place {
                position: position?,
                above,
            },
            Rule::move_to => ActionKind::Move {
                gait: gait?,
                to: position?,
                above,
                over,
            },
            Rule::does => ActionKind::Does { text: text?, at },
            Rule::says => ActionKind::Says {
                text: text?,
                parenthetical,
                at,
            },
            Rule::holds => ActionKind::Holds { prop: prop?, at },
            Rule::drops => ActionKind::Drops { prop: prop?, at },
            _ => return None,
        };
        Some(Action { kind, span })
    }

    fn position(&self, p: &P) -> Option<Position> {
        let span = self.span(p);
        let q = kids(p).next()?;
        let kind = match q.as_rule() {
            Rule::kw_left => PositionKind::Left,
            Rule::kw_center => PositionKind::Center,
            Rule::kw_right => PositionKind::Right,
            Rule::point => PositionKind::Point(self.value(&q)?),
            _ => return None,
        };
        Some(Position { kind, span })
    }
}

pub(crate) fn block_item(kw: &str, def: BlockDef) -> Option<ItemKind> {
    Some(match kw {
        "character" => ItemKind::Character(def),
        "prop" => ItemKind::Prop(def),
        "location" => ItemKind::Location(def),
        "look" => ItemKind::Look(def),
        "camera" => ItemKind::Camera(def),
        _ => return None,
    })
}

/// What `override KEYWORD …` of a block definition overrides.
pub(crate) fn override_block(kw: &str, def: BlockDef) -> Option<OverrideTarget> {
    Some(match kw {
        "character" => OverrideTarget::Character(def),
        "prop" => OverrideTarget::Prop(def),
        "location" => OverrideTarget::Location(def),
        "look" => OverrideTarget::Look(def),
        "camera" => OverrideTarget::Camera(def),
        _ => return None,
    })
}

fn hdir(w: &str) -> Option<HDir> {
    match w {
        "left" => Some(HDir::Left),
        "right" => Some(HDir::Right),
        _ => None,
    }
}

fn vdir(w: &str) -> Option<VDir> {
    match w {
        "up" => Some(VDir::Up),
        "down" => Some(VDir::Down),
        _ => None,
    }
}

/// A number literal as the grammar accepted it: sign, digits, optional fraction, optional unit.
pub(crate) fn number(text: &str) -> Number {
    let split = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (c == '-' && i == 0)))
        .map_or(text.len(), |(i, _)| i);
    let (raw, unit) = text.split_at(split);
    let unit = crate::vocab::unit(unit).map(|u| u.unit);
    // Digits only, so the parse cannot fail; an integer too large for f64 becomes infinity.
    let value = raw.parse::<f64>().unwrap_or(f64::NAN);
    Number {
        raw: raw.to_string(),
        value,
        unit,
    }
}

fn saturating_u64(digits: &str) -> u64 {
    digits.parse::<u64>().unwrap_or(u64::MAX)
}

fn color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Resolves `\" \\ \n \t \u{…}`. Escapes the grammar accepts but that name no character
/// (`\u{D800}`) become U+FFFD; the scanner has already reported them.
pub(crate) fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let rest = chars.as_str();
                let hex: String = rest
                    .strip_prefix('{')
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| *c != '}')
                    .collect();
                let consumed = 1 + hex.len() + 1;
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                out.push(ch);
                chars = rest.get(consumed.min(rest.len())..).unwrap_or("").chars();
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The block form of `insert` from its scene items: one shot, a transition above it, one below.
/// `None` for any other run (the grammar admits none; error recovery may build one).
pub fn insert_block(
    place: Spanned<Place>,
    anchor: Ident,
    items: Vec<SceneItem>,
) -> Option<InsertShot> {
    let at = items
        .iter()
        .position(|i| matches!(i.kind, SceneItemKind::Shot(_)))?;
    let is_transition = |i: &SceneItem| matches!(i.kind, SceneItemKind::Transition(_));
    if at > 1
        || items.len() > at + 2
        || !items
            .iter()
            .enumerate()
            .all(|(k, i)| k == at || is_transition(i))
    {
        return None;
    }
    let mut items = items.into_iter();
    let lead = if at == 1 { items.next() } else { None };
    let shot_item = items.next()?;
    let trail = items.next();
    let SceneItemKind::Shot(shot) = shot_item.kind else {
        return None;
    };
    Some(InsertShot {
        shot,
        place,
        anchor,
        block: Some(InsertBlock {
            span: shot_item.span,
            lead,
            trail,
        }),
    })
}
