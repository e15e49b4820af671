//! The language server: LSP requests and notifications mapped onto the analyses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::analysis::documents::{ChangeOutcome, Edit};
use crate::analysis::film_check;
use crate::analysis::{Analysis, FileKey, Project};
use crate::ide;
use crate::ide::hover::PlanView;
use crate::proto::diagnostics::{self, DiagnosticData};
use crate::proto::{convert, uri as uris};

/// The last check of one film.
#[derive(Default)]
struct FilmState {
    /// The plan of the last error-free check.
    schedule: Option<Arc<scene_plan::schedule::FilmSchedule>>,
    /// The text changed since that plan (the latest check had errors).
    stale: bool,
    /// Documents that received diagnostics from the last check of this film.
    published: BTreeSet<String>,
}

pub struct Backend {
    client: Client,
    project: Arc<Mutex<Project>>,
    films: Arc<Mutex<BTreeMap<FileKey, FilmState>>>,
    stats: Arc<Stats>,
}

#[derive(Default)]
struct Stats {
    checks: AtomicU64,
    dropped: AtomicU64,
}

/// How long a document must stay unchanged after its diagnostics before its film is planned.
const PLAN_AFTER_IDLE: std::time::Duration = std::time::Duration::from_millis(120);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock is caught and reported; the data is still consistent
    // (every mutation is a single insert), so carry on rather than failing every later request.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs a feature; a panic in it becomes an internal error instead of killing the server.
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
            message: format!("{what} failed (a bug in scene-lsp)").into(),
            data: None,
        }),
    }
}

impl Backend {
    fn new(client: Client) -> Self {
        Backend {
            client,
            project: Arc::default(),
            films: Arc::default(),
            stats: Arc::default(),
        }
    }

    /// Runs `f` on the analysis of `uri`: the open document, or the file on disk when it was
    /// never opened. A URI that names neither is an error.
    fn with_file<T>(
        &self,
        what: &str,
        uri: &Uri,
        f: impl FnOnce(&mut Project, &Arc<Analysis>) -> Result<T>,
    ) -> Result<T> {
        guarded(what, || {
            let mut project = lock(&self.project);
            let Some(file) = project.analysis(&uris::key(uri)) else {
                return Err(Error::invalid_params(format!(
                    "unknown document {}: it is not open and cannot be read",
                    uri.as_str()
                )));
            };
            f(&mut project, &file)
        })
    }

    fn plan_for(&self, key: &FileKey) -> Option<(Arc<scene_plan::schedule::FilmSchedule>, bool)> {
        let entry = lock(&self.project).entry_for(key);
        let films = lock(&self.films);
        let state = films.get(&entry)?;
        Some((state.schedule.clone()?, state.stale))
    }

    /// Checks the film `uri` belongs to and publishes diagnostics, unless the document changed
    /// again in the meantime (then this work is dropped; the newer change has its own).
    fn schedule_check(&self, uri: Uri, version: i32) {
        let project = self.project.clone();
        let films = self.films.clone();
        let client = self.client.clone();
        let stats = self.stats.clone();
        tokio::spawn(async move {
            let current = {
                let project = project.clone();
                let uri = uri.clone();
                move || lock(&project).documents.version(&uris::key(&uri)) == Some(version)
            };
            let work = {
                let project = project.clone();
                let uri = uri.clone();
                let current = current.clone();
                move || -> Option<(film_check::Outcome, BTreeMap<String, i32>)> {
                    if !current() {
                        return None;
                    }
                    let (inputs, overlay, aliases) = {
                        let mut p = lock(&project);
                        let inputs = film_check::gather(&mut p, &uris::key(&uri));
                        (inputs, p.overlay(), p.aliases())
                    };
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        film_check::run(inputs, overlay, aliases)
                    }))
                    .ok()?;
                    let versions = lock(&project)
                        .documents
                        .all()
                        .map(|d| (d.uri.clone(), d.version))
                        .collect();
                    Some((outcome, versions))
                }
            };
            let result = tokio::task::spawn_blocking(work).await.ok().flatten();
            let Some((outcome, versions)) = result else {
                stats.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            };
            if !current() {
                stats.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            stats.checks.fetch_add(1, Ordering::Relaxed);
            let diagnostics = diagnostics::publish_list(&outcome);
            let film_check::Outcome {
                entry,
                has_errors,
                film,
                ..
            } = outcome;
            let clear = {
                let mut films = lock(&films);
                let state = films.entry(entry.clone()).or_default();
                let clear = diagnostics::cleared(&state.published, &diagnostics);
                state.published = diagnostics.keys().cloned().collect();
                state.stale = has_errors;
                clear
            };
            for (key, (uri, diags)) in diagnostics {
                client
                    .publish_diagnostics(uri, diags, versions.get(&key).copied())
                    .await;
            }
            for uri in clear {
                client.publish_diagnostics(uri, Vec::new(), None).await;
            }
            // Plan after the diagnostics are out, and only once typing pauses: hover and inlay
            // hints use the plan, and planning every keystroke's version would take the CPU
            // from checking the next one.
            let Some(film) = film else { return };
            tokio::time::sleep(PLAN_AFTER_IDLE).await;
            if current() {
                let schedule = tokio::task::spawn_blocking(move || film_check::plan(&film))
                    .await
                    .ok()
                    .flatten();
                if let Some(schedule) = schedule {
                    if current() {
                        let mut films = lock(&films);
                        let state = films.entry(entry).or_default();
                        state.schedule = Some(schedule);
                        state.stale = false;
                    }
                }
            }
        });
    }

    async fn stats(&self) -> Result<Value> {
        let (parses, trees) = {
            let project = lock(&self.project);
            (project.parses, project.trees.stats())
        };
        Ok(json!({
            "parses": parses,
            // Top-level items reused from an earlier parse or parsed now, by the server and the
            // checker together.
            "items": { "reused": trees.item_hits, "parsed": trees.item_misses },
            "filesReused": trees.whole_file_hits,
            "checks": self.stats.checks.load(Ordering::Relaxed),
            "dropped": self.stats.dropped.load(Ordering::Relaxed),
        }))
    }
}

fn roots(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Some(folders) = &params.workspace_folders {
        out.extend(folders.iter().filter_map(|f| uris::to_path(&f.uri)));
    }
    #[allow(deprecated)] // Older clients (Neovim 0.7) send only `rootUri`.
    if out.is_empty() {
        if let Some(root) = &params.root_uri {
            out.extend(uris::to_path(root));
        }
    }
    out
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let roots = roots(&params);
        lock(&self.project).set_roots(roots);
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "scene-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![" ".into(), ".".into(), ",".into()]),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: convert::legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: WorkDoneProgressOptions::default(),
                        },
                    ),
                ),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let (uri, version) = (doc.uri.clone(), doc.version);
        {
            let mut project = lock(&self.project);
            let key = uris::key(&uri);
            project
                .documents
                .open(key.clone(), uri.as_str().to_owned(), doc.version, doc.text);
            project.invalidate(&key);
            project.remember(&key);
        }
        self.schedule_check(uri, version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        // Applied before any `.await`, so changes land in arrival order.
        let edits = params
            .content_changes
            .into_iter()
            .map(|c| Edit {
                range: c
                    .range
                    .map(|r| (convert::line_col(r.start), convert::line_col(r.end))),
                text: c.text,
            })
            .collect();
        let outcome = lock(&self.project)
            .documents
            .change(&uris::key(&uri), version, edits);
        match outcome {
            ChangeOutcome::Applied => self.schedule_check(uri, version),
            ChangeOutcome::NotOpen => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "didChange for a document that is not open: {}",
                            uri.as_str()
                        ),
                    )
                    .await
            }
            ChangeOutcome::Stale { held } => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "ignored didChange version {version} of {}: version {held} is newer",
                            uri.as_str()
                        ),
                    )
                    .await
            }
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // Another film may import this file: re-check with what is on disk now.
        let version = lock(&self.project)
            .documents
            .version(&uris::key(&params.text_document.uri));
        if let Some(v) = version {
            self.schedule_check(params.text_document.uri, v);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let mut project = lock(&self.project);
        let key = uris::key(&params.text_document.uri);
        project.documents.close(&key);
        project.invalidate(&key);
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        self.with_file("completion", &pos.text_document.uri, |project, file| {
            let offset = convert::offset(file, pos.position);
            let items = ide::completion::complete(project, file, offset)
                .into_iter()
                .map(|c| convert::completion(file, c))
                .collect();
            Ok(Some(CompletionResponse::Array(items)))
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let plan = self.plan_for(&uris::key(&pos.text_document.uri));
        self.with_file("hover", &pos.text_document.uri, |project, file| {
            let offset = convert::offset(file, pos.position);
            let view = plan.as_ref().map(|(s, stale)| PlanView {
                schedule: s,
                stale: *stale,
            });
            Ok(ide::hover::hover(project, file, offset, view).map(|h| convert::hover(file, h)))
        })
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        self.with_file("definition", &pos.text_document.uri, |project, file| {
            let offset = convert::offset(file, pos.position);
            Ok(ide::navigation::definition(project, file, offset)
                .and_then(|target| convert::location(&target))
                .map(GotoDefinitionResponse::Scalar))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        self.with_file("references", &pos.text_document.uri, |project, file| {
            let offset = convert::offset(file, pos.position);
            let refs = ide::navigation::references(
                project,
                file,
                offset,
                params.context.include_declaration,
            );
            Ok(Some(refs.iter().filter_map(convert::location).collect()))
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.with_file(
            "prepareRename",
            &params.text_document.uri,
            |project, file| {
                let offset = convert::offset(file, params.position);
                ide::navigation::prepare_rename(project, file, offset)
                    .map(|(span, placeholder)| {
                        Some(PrepareRenameResponse::RangeWithPlaceholder {
                            range: convert::span_range(file, span),
                            placeholder,
                        })
                    })
                    .map_err(Error::invalid_params)
            },
        )
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let pos = params.text_document_position;
        self.with_file("rename", &pos.text_document.uri, |project, file| {
            let offset = convert::offset(file, pos.position);
            ide::navigation::rename(project, file, offset, &params.new_name)
                .map(|edits| Some(convert::workspace_edit(edits)))
                .map_err(Error::invalid_params)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.with_file("documentSymbol", &params.text_document.uri, |_, file| {
            let symbols = ide::outline::document_symbols(file)
                .into_iter()
                .map(|s| convert::symbol(file, s))
                .collect();
            Ok(Some(DocumentSymbolResponse::Nested(symbols)))
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.with_file("foldingRange", &params.text_document.uri, |_, file| {
            Ok(Some(
                ide::outline::folding_ranges(file)
                    .into_iter()
                    .map(convert::folding_range)
                    .collect(),
            ))
        })
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.with_file("semanticTokens", &params.text_document.uri, |_, file| {
            let highlights = ide::highlight::highlights(file);
            Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data: convert::semantic_tokens(file, &highlights),
            })))
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let plan = self.plan_for(&uris::key(&params.text_document.uri));
        self.with_file("inlayHint", &params.text_document.uri, |_, file| {
            Ok(Some(match &plan {
                Some((schedule, _)) => {
                    let range = convert::offsets(file, params.range);
                    ide::inlay::hints(file, schedule, range)
                        .into_iter()
                        .map(|h| convert::inlay_hint(file, h))
                        .collect()
                }
                None => Vec::new(),
            }))
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.with_file("codeAction", &uri, |project, file| {
            let mut out = carried_fixes(&params.context.diagnostics);
            let range = convert::offsets(file, params.range);
            for action in ide::actions::define_missing(project, file, range) {
                let at = convert::position(file, action.offset);
                let mut changes = HashMap::new();
                changes.insert(
                    uri.clone(),
                    vec![TextEdit {
                        range: Range { start: at, end: at },
                        new_text: action.text.clone(),
                    }],
                );
                let related: Vec<Diagnostic> = params
                    .context
                    .diagnostics
                    .iter()
                    .filter(|d| d.message.contains(&format!("`{}`", action.name)))
                    .cloned()
                    .collect();
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: action.title(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: if related.is_empty() {
                        None
                    } else {
                        Some(related)
                    },
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..WorkspaceEdit::default()
                    }),
                    ..CodeAction::default()
                }));
            }
            Ok(Some(out))
        })
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.with_file(
            "formatting",
            &params.text_document.uri,
            |_, file| match ide::format::format(file) {
                Ok(None) => Ok(Some(Vec::new())),
                Ok(Some(text)) => Ok(Some(vec![TextEdit {
                    range: convert::range(file, 0..file.text.len()),
                    new_text: text,
                }])),
                Err(ide::format::FormatError::Failed) => Err(Error::internal_error()),
                Err(e) => Err(Error::invalid_params(e.to_string())),
            },
        )
    }
}

/// The fixes the client's diagnostics carry in their `data` (put there when they were
/// published), each as a quick fix: applying one needs nothing of the server's state.
fn carried_fixes(diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diagnostics {
        let Some(data) = d
            .data
            .clone()
            .and_then(|v| serde_json::from_value::<DiagnosticData>(v).ok())
        else {
            continue;
        };
        for fix in data.fixes {
            let mut changes = HashMap::new();
            changes.insert(
                fix.uri.clone(),
                vec![TextEdit {
                    range: fix.range,
                    new_text: fix.new_text.clone(),
                }],
            );
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
    }
    out
}

/// Serves LSP on stdin/stdout until the client sends `exit` (or closes the stream).
pub async fn serve() {
    let (in_reader, in_writer) = tokio::io::duplex(1024 * 1024);
    let (out_reader, out_writer) = tokio::io::duplex(1024 * 1024);
    let (replies, replies_rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(crate::proto::framing::filter(
        tokio::io::stdin(),
        in_writer,
        replies,
    ));
    let output = tokio::spawn(crate::proto::framing::merge(
        out_reader,
        replies_rx,
        tokio::io::stdout(),
    ));
    let (service, socket) = LspService::build(Backend::new)
        .custom_method("scene/stats", Backend::stats)
        .finish();
    Server::new(in_reader, out_writer, socket)
        .serve(service)
        .await;
    // The server's output side is closed now: let the last frames reach stdout.
    let _ = output.await;
}
