//! Inline fixtures for feature tests, in the manner of rust-analyzer's: the text of one file, or
//! of several each introduced by a `//- /path` line, with `$0` marking the cursor. The files are
//! open documents under `/fixture/`, so nothing touches the disk and no server runs.

use std::path::PathBuf;
use std::sync::Arc;

use crate::analysis::{Analysis, FileKey, Project};

pub struct Fixture {
    pub project: Project,
    pub keys: Vec<FileKey>,
    /// The file with the cursor (the first file when there is none) and the cursor's offset.
    cursor: (usize, Option<usize>),
}

impl Fixture {
    pub fn new(text: &str) -> Fixture {
        let mut files: Vec<(String, String)> = Vec::new();
        if text.trim_start().starts_with("//- ") {
            for part in text.trim_start().split("//- ").skip(1) {
                let (path, body) = part.split_once('\n').unwrap_or((part, ""));
                files.push((
                    path.trim().trim_start_matches('/').to_string(),
                    body.to_string(),
                ));
            }
        } else {
            files.push(("film.scene".to_string(), text.to_string()));
        }
        let mut project = Project::default();
        let mut keys = Vec::new();
        let mut cursor = (0, None);
        for (i, (path, body)) in files.into_iter().enumerate() {
            let key = FileKey::Path(PathBuf::from("/fixture").join(&path));
            let body = match body.find("$0") {
                Some(at) => {
                    cursor = (i, Some(at));
                    body.replacen("$0", "", 1)
                }
                None => body,
            };
            project
                .documents
                .open(key.clone(), format!("file:///fixture/{path}"), 1, body);
            keys.push(key);
        }
        Fixture {
            project,
            keys,
            cursor,
        }
    }

    /// The file with the cursor.
    pub fn file(&mut self) -> Arc<Analysis> {
        let key = self.keys[self.cursor.0].clone();
        self.project
            .analysis(&key)
            .expect("a fixture file is an open document")
    }

    /// The file with the cursor, and the cursor.
    pub fn cursor(&mut self) -> (Arc<Analysis>, usize) {
        let offset = self.cursor.1.expect("the fixture has no `$0`");
        (self.file(), offset)
    }
}
