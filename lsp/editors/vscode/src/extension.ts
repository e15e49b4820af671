// Starts scene-lsp for .scene files. All language intelligence lives in the server; this file
// only finds the executable and wires it to VS Code.

import { ExtensionContext, workspace, window } from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const command = workspace.getConfiguration("scene").get<string>("server.path") || "scene-lsp";
  const serverOptions: ServerOptions = {
    run: { command, transport: TransportKind.stdio },
    debug: { command, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "scene" }, { scheme: "untitled", language: "scene" }],
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.scene") },
  };
  client = new LanguageClient("scene", "Scene language server", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    window.showErrorMessage(
      `Could not start scene-lsp (${command}): ${err}. Install it with \`cargo install --path lsp\` or set scene.server.path.`
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
