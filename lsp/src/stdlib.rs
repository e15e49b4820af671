//! The standard library modules, as text. The checker resolves `import std.NAME` to the same
//! files; the language server needs their text for completion, hover and colouring of presets.

pub struct Module {
    pub name: &'static str,
    pub text: &'static str,
}

pub const MODULES: &[Module] = &[
    Module {
        name: "camera",
        text: include_str!("../../stdlib/camera.scene"),
    },
    Module {
        name: "look",
        text: include_str!("../../stdlib/look.scene"),
    },
];

pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

/// Framing names that work as camera presets without any import.
pub const FRAMINGS: &[&str] = &[
    "extreme_wide",
    "wide",
    "full",
    "medium",
    "closeup",
    "extreme_closeup",
];
