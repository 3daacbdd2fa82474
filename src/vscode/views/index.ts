// The ClaimLens views in the activity bar: Speakers (corpus-wide), Claims (active article),
// Orphaned annotations. `registerViews` creates them once; the returned object lets the
// integration tests read what the trees show (through the extension's test API).
import * as vscode from 'vscode';
import type { ClaimLensServices } from '../services';
import { ClaimsTreeProvider, type ClaimsTreeNode } from './claimsTree';
import { orphanIndexFor } from './orphans';
import { OrphansTreeProvider, type OrphansTreeNode } from './orphansTree';
import { SpeakersTreeProvider, type SpeakersTreeNode } from './speakersTree';

export const VIEW_CONTAINER_ID = 'claimlens';
export const SPEAKERS_VIEW_ID = 'claimlens.speakers';
export const CLAIMS_VIEW_ID = 'claimlens.claims';
export const ORPHANS_VIEW_ID = 'claimlens.orphans';

export interface ClaimLensTrees {
  readonly speakers: SpeakersTreeProvider;
  readonly claims: ClaimsTreeProvider;
  readonly orphans: OrphansTreeProvider;
  readonly speakersView: vscode.TreeView<SpeakersTreeNode>;
  readonly claimsView: vscode.TreeView<ClaimsTreeNode>;
  readonly orphansView: vscode.TreeView<OrphansTreeNode>;
  /** Resolves once every pending (debounced) refresh of the trees has run. */
  whenRefreshed(): Promise<void>;
}

export function registerViews(context: vscode.ExtensionContext, services: ClaimLensServices): ClaimLensTrees {
  const speakers = new SpeakersTreeProvider(services);
  const claims = new ClaimsTreeProvider(services);
  const orphans = new OrphansTreeProvider(services, orphanIndexFor(services, context));
  const speakersView = vscode.window.createTreeView(SPEAKERS_VIEW_ID, { treeDataProvider: speakers, showCollapseAll: true });
  const claimsView = vscode.window.createTreeView(CLAIMS_VIEW_ID, { treeDataProvider: claims, showCollapseAll: true });
  const orphansView = vscode.window.createTreeView(ORPHANS_VIEW_ID, { treeDataProvider: orphans });

  const describeActive = () => {
    const document = claims.document();
    claimsView.description = document ? vscode.workspace.asRelativePath(document.uri) : undefined;
  };
  describeActive();
  const badge = () => {
    const count = orphans.getChildren().reduce((n, d) => n + (d.type === 'orphan-document' ? d.count : 0), 0);
    orphansView.badge = count ? { value: count, tooltip: `${count} orphaned annotation${count === 1 ? '' : 's'}` } : undefined;
  };
  context.subscriptions.push(
    speakers, claims, orphans, speakersView, claimsView, orphansView,
    vscode.window.onDidChangeActiveTextEditor(describeActive),
    orphans.onDidChangeTreeData(badge),
    // Opening the Speakers view is a good moment to make sure the corpus is indexed.
    speakersView.onDidChangeVisibility((e) => e.visible && void services.analysis.ensureIndexed()),
    vscode.commands.registerCommand('claimlens.refreshViews', () => {
      speakers.refresh();
      claims.refresh();
      orphans.refresh();
    }),
  );
  return {
    speakers, claims, orphans, speakersView, claimsView, orphansView,
    async whenRefreshed() {
      await Promise.all([speakers.whenRefreshed(), claims.whenRefreshed(), orphans.whenRefreshed()]);
    },
  };
}
