//! The shot graph: one node per shot, `next` edges in play order (labelled with the transition
//! that joins the two shots) and `continues` edges from a shot to the shot that continues it.
//!
//! Render order is a topological order of the `continues` edges that prefers play order whenever
//! several shots are ready. Waves group shots for parallel rendering: wave 0 holds the shots that
//! continue nothing, wave n the shots whose upstream shot is in a wave before n.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use petgraph::Direction;
use serde::Serialize;

use crate::schedule::{FilmSchedule, Transition, TransitionKind};

/// Version of the graph's JSON form (`scenec graph --format json`).
pub const GRAPH_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShotNode {
    pub name: String,
    pub scene: String,
    /// Position in play order.
    pub index: usize,
    pub start_frame: u32,
    pub frames: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ShotEdge {
    /// Play order, with the transition into the later shot.
    Next(Transition),
    /// From a shot to the shot whose first frame continues its last frame.
    Continues,
}

#[derive(Clone, Debug)]
pub struct ShotGraph {
    graph: StableDiGraph<ShotNode, ShotEdge>,
    /// Node of each shot, by play index.
    nodes: Vec<NodeIndex>,
    render_order: Vec<usize>,
    waves: Vec<Vec<usize>>,
}

impl ShotGraph {
    /// Builds the graph from the planned shots (names of `continues` must name shots of the film;
    /// any other is ignored, the checker having rejected it).
    pub fn build(schedule: &FilmSchedule) -> ShotGraph {
        let mut graph =
            StableDiGraph::with_capacity(schedule.shots.len(), schedule.shots.len() * 2);
        let nodes: Vec<NodeIndex> = schedule
            .shots
            .iter()
            .enumerate()
            .map(|(index, s)| {
                graph.add_node(ShotNode {
                    name: s.name.clone(),
                    scene: s.scene.clone(),
                    index,
                    start_frame: s.start_frame.0,
                    frames: s.frames.0,
                })
            })
            .collect();
        for (i, pair) in nodes.windows(2).enumerate() {
            graph.add_edge(
                pair[0],
                pair[1],
                ShotEdge::Next(schedule.shots[i + 1].transition_in),
            );
        }
        let by_name: std::collections::BTreeMap<&str, usize> = schedule
            .shots
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        for (i, s) in schedule.shots.iter().enumerate() {
            if let Some(&up) = s.continues.as_deref().and_then(|n| by_name.get(n)) {
                graph.add_edge(nodes[up], nodes[i], ShotEdge::Continues);
            }
        }
        let mut g = ShotGraph {
            graph,
            nodes,
            render_order: Vec::new(),
            waves: Vec::new(),
        };
        g.order();
        g
    }

    /// Kahn's algorithm over `continues` edges with a min-heap on play index; a shot's wave is one
    /// more than its latest upstream shot's.
    fn order(&mut self) {
        let n = self.nodes.len();
        let mut pending: Vec<usize> = (0..n).map(|i| self.upstream(i).len()).collect();
        let mut wave = vec![0usize; n];
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&i| pending[i] == 0).map(Reverse).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse(i)) = ready.pop() {
            order.push(i);
            for d in self.downstream(i) {
                wave[d] = wave[d].max(wave[i] + 1);
                pending[d] -= 1;
                if pending[d] == 0 {
                    ready.push(Reverse(d));
                }
            }
        }
        // A cycle cannot reach here (the checker rejects it); should one slip through, its shots
        // still render, last, in play order, rather than vanish.
        if order.len() < n {
            let last = wave.iter().copied().max().unwrap_or(0) + 1;
            for i in 0..n {
                if pending[i] > 0 {
                    wave[i] = last;
                    order.push(i);
                }
            }
        }
        let count = wave.iter().copied().max().map_or(0, |m| m + 1);
        let mut waves = vec![Vec::new(); count];
        for i in 0..n {
            waves[wave[i]].push(i);
        }
        self.render_order = order;
        self.waves = waves;
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, index: usize) -> &ShotNode {
        &self.graph[self.nodes[index]]
    }

    /// The underlying petgraph graph.
    pub fn graph(&self) -> &StableDiGraph<ShotNode, ShotEdge> {
        &self.graph
    }

    /// Play indices of the shots this shot continues (at most one in a checked film).
    pub fn upstream(&self, index: usize) -> Vec<usize> {
        self.continues_edges(index, Direction::Incoming)
    }

    /// Play indices of the shots that continue this one, in play order.
    pub fn downstream(&self, index: usize) -> Vec<usize> {
        self.continues_edges(index, Direction::Outgoing)
    }

    fn continues_edges(&self, index: usize, dir: Direction) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .graph
            .edges_directed(self.nodes[index], dir)
            .filter(|e| *e.weight() == ShotEdge::Continues)
            .map(|e| {
                self.graph[if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                }]
                .index
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Every shot whose render depends on this one's, directly or through others, in play order:
    /// what must re-render when this shot changes.
    pub fn dependents(&self, index: usize) -> Vec<usize> {
        let mut seen = vec![false; self.len()];
        let mut stack = self.downstream(index);
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut seen[i], true) {
                stack.extend(self.downstream(i));
            }
        }
        (0..self.len()).filter(|&i| seen[i]).collect()
    }

    /// Play indices in render order.
    pub fn render_order(&self) -> &[usize] {
        &self.render_order
    }

    /// Play indices grouped into waves that may render in parallel, each in play order.
    pub fn waves(&self) -> &[Vec<usize>] {
        &self.waves
    }

    /// Graphviz. Nodes are quoted shot names; `next` edges are solid and labelled with their
    /// transition, `continues` edges dashed.
    pub fn to_dot(&self) -> String {
        self.to_dot_with(|_| None)
    }

    /// [`ShotGraph::to_dot`] with a mark per shot: `mark` gives a line added to the node's
    /// label and the node's extra attributes (`style=filled, fillcolor="…"`), or nothing.
    pub fn to_dot_with(&self, mark: impl Fn(&ShotNode) -> Option<(String, String)>) -> String {
        let mut out = String::from(
            "digraph film {\n    rankdir=LR;\n    node [shape=box, fontname=\"Helvetica\"];\n",
        );
        for &n in &self.nodes {
            let s = &self.graph[n];
            let mut label = format!(
                "{}\\n{} · {}+{}f",
                dot_escape(&s.name),
                dot_escape(&s.scene),
                s.start_frame,
                s.frames
            );
            let mut attributes = String::new();
            if let Some((line, attrs)) = mark(s) {
                label.push_str(&format!("\\n{}", dot_escape(&line)));
                attributes = format!(", {attrs}");
            }
            let _ = writeln!(
                out,
                "    \"{}\" [label=\"{label}\"{attributes}];",
                dot_escape(&s.name)
            );
        }
        for e in self.sorted_edges() {
            let (from, to) = (dot_escape(&e.from), dot_escape(&e.to));
            match e.transition {
                Some(t) => {
                    let _ = writeln!(
                        out,
                        "    \"{from}\" -> \"{to}\" [label=\"{}\"];",
                        transition_label(t)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    \"{from}\" -> \"{to}\" [style=dashed, label=\"continues\"];"
                    );
                }
            }
        }
        out.push_str("}\n");
        out
    }

    /// The graph as JSON. Fields (stable): `version`; `nodes` (`name`, `scene`, `index` in play
    /// order, `start_frame` in the film, `frames`); `edges` (`kind` "next" or "continues",
    /// `from`, `to` as shot names, and for `next` the `transition` {`kind`, `frames`});
    /// `render_order` (shot names); `waves` (lists of shot names).
    pub fn to_json(&self) -> String {
        let names = |is: &[usize]| {
            is.iter()
                .map(|&i| self.node(i).name.clone())
                .collect::<Vec<_>>()
        };
        let json = GraphJson {
            version: GRAPH_VERSION,
            nodes: self.nodes.iter().map(|&n| self.graph[n].clone()).collect(),
            edges: self.sorted_edges(),
            render_order: names(&self.render_order),
            waves: self.waves.iter().map(|w| names(w)).collect(),
        };
        // Plain data with string keys: serialisation cannot fail.
        serde_json::to_string_pretty(&json).unwrap_or_default()
    }

    /// Edges as data, `next` edges first in play order, then `continues` edges by target.
    fn sorted_edges(&self) -> Vec<EdgeJson> {
        let mut edges: Vec<(u8, usize, usize, EdgeJson)> = self
            .graph
            .edge_references()
            .map(|e| {
                let (a, b) = (&self.graph[e.source()], &self.graph[e.target()]);
                let (rank, kind, transition) = match e.weight() {
                    ShotEdge::Next(t) => (0, "next", Some(*t)),
                    ShotEdge::Continues => (1, "continues", None),
                };
                (
                    rank,
                    b.index,
                    a.index,
                    EdgeJson {
                        kind,
                        from: a.name.clone(),
                        to: b.name.clone(),
                        transition,
                    },
                )
            })
            .collect();
        edges.sort_by_key(|(rank, to, from, _)| (*rank, *to, *from));
        edges.into_iter().map(|e| e.3).collect()
    }
}

#[derive(Serialize)]
struct GraphJson {
    version: u32,
    nodes: Vec<ShotNode>,
    edges: Vec<EdgeJson>,
    render_order: Vec<String>,
    waves: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct EdgeJson {
    kind: &'static str,
    from: String,
    to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    transition: Option<Transition>,
}

fn transition_label(t: Transition) -> String {
    let kind = match t.kind {
        TransitionKind::Cut => return "cut".to_string(),
        TransitionKind::Dissolve => "dissolve",
        TransitionKind::Fade => "fade",
        TransitionKind::FadeToBlack => "fade to black",
        TransitionKind::WipeLeft => "wipe left",
        TransitionKind::WipeRight => "wipe right",
    };
    format!("{kind} {}f", t.frames.0)
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
