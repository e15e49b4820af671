//! The standard library: `.scene` modules compiled into the tool, imported with `import std.NAME`.

pub struct Module {
    pub name: &'static str,
    pub text: &'static str,
}

pub const MODULES: &[Module] = &[
    Module {
        name: "camera",
        text: include_str!("../../../stdlib/camera.scene"),
    },
    Module {
        name: "look",
        text: include_str!("../../../stdlib/look.scene"),
    },
];

pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|m| m.name)
}
