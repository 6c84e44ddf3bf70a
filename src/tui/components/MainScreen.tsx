/** The screen for one state: status bar, then either the panes and composer or the open overlay. */
import { Box, Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { selectedGroup, selectedMessages } from '../state/appState.js';
import { composerLines } from '../state/composerState.js';
import { footerHints } from '../keyBindings.js';
import { computeLayout, minimumSize } from '../state/layout.js';
import { Composer } from './Composer.js';
import { ConfirmQuitOverlay } from './ConfirmQuitOverlay.js';
import { GroupList } from './GroupList.js';
import { HelpOverlay } from './HelpOverlay.js';
import { IdentityOverlay } from './IdentityOverlay.js';
import { InvitesOverlay } from './InvitesOverlay.js';
import { MembersOverlay } from './MembersOverlay.js';
import { MessageList } from './MessageList.js';
import { SafetyNumberOverlay } from './SafetyNumberOverlay.js';
import {
  BackupWordsOverlay,
  ChangePasswordOverlay,
  RecoveryWordsOverlay,
  RevealPasswordOverlay,
} from './SecretOverlays.js';
import { StatusBar } from './StatusBar.js';
import { StatusLine } from './StatusLine.js';
import { TextPromptOverlay } from './TextPromptOverlay.js';

function OverlayView({ state, height }: { readonly state: AppState; readonly height: number }) {
  const overlay = state.overlay;
  const group = selectedGroup(state);
  switch (overlay.kind) {
    case 'none':
      return null;
    case 'help':
      return <HelpOverlay scroll={overlay.scroll} height={height} />;
    case 'members':
      return (
        <MembersOverlay
          groupName={group?.name ?? ''}
          members={group === undefined ? [] : state.members[group.id]}
          selected={overlay.selected}
          height={height}
        />
      );
    case 'safetyNumber':
      return (
        <SafetyNumberOverlay
          username={overlay.username}
          verification={overlay.verification}
          view={overlay.view}
          height={height}
          width={state.size.columns}
        />
      );
    case 'identity':
      return <IdentityOverlay self={state.self} height={height} width={state.size.columns} />;
    case 'createGroup':
      return (
        <TextPromptOverlay
          title="New group"
          label="Name"
          hint="Post-quantum ciphersuite (X-Wing). You can invite people once it exists."
          input={overlay.input}
          height={height}
          width={state.size.columns - 2}
        />
      );
    case 'invite':
      return (
        <TextPromptOverlay
          title={`Invite to ${group?.name ?? ''}`}
          label="Username"
          hint="They join at the next epoch and cannot read earlier messages."
          input={overlay.input}
          height={height}
          width={state.size.columns - 2}
        />
      );
    case 'invites':
      return (
        <InvitesOverlay
          invites={state.invites}
          selected={overlay.selected}
          height={height}
          timeFormat={state.timeFormat}
        />
      );
    case 'confirmQuit':
      return <ConfirmQuitOverlay outbox={overlay.outbox} height={height} />;
    case 'revealPassword':
      return <RevealPasswordOverlay overlay={overlay} height={height} width={state.size.columns - 2} />;
    case 'recoveryWords':
      return <RecoveryWordsOverlay words={overlay.words} height={height} />;
    case 'changePassword':
      return <ChangePasswordOverlay overlay={overlay} height={height} width={state.size.columns - 2} />;
    case 'backupWords':
      return <BackupWordsOverlay overlay={overlay} height={height} width={state.size.columns - 2} />;
  }
}

export function MainScreen({ state }: { readonly state: AppState }) {
  const { size } = state;
  const layout = computeLayout(size, composerLines(state.composer).lines.length);
  if (layout.tooSmall) {
    return (
      <Text>
        Terminal too small ({size.columns}x{size.rows}); qpc needs at least {minimumSize.columns}x
        {minimumSize.rows}.
      </Text>
    );
  }
  const group = selectedGroup(state);
  const entry = group === undefined ? undefined : state.messages[group.id];
  return (
    <Box flexDirection="column" width={size.columns} height={size.rows}>
      <StatusBar connection={state.connection} self={state.self} group={group} />
      {state.overlay.kind === 'none' ? (
        <>
          <Box height={layout.mainHeight}>
            <GroupList
              groups={state.groups}
              selectedGroupId={state.selectedGroupId}
              focused={state.focus === 'groups'}
              invites={state.invites.length}
              width={layout.groupsWidth}
              rows={layout.groupRows}
            />
            <MessageList
              group={group}
              messages={selectedMessages(state)}
              loading={entry?.loading ?? false}
              offsetFromBottom={group === undefined ? 0 : (state.scroll[group.id] ?? 0)}
              rowsBelow={group === undefined ? 0 : (state.scrollRows[group.id] ?? 0)}
              unreadFrom={group === undefined ? undefined : state.unreadFrom[group.id]}
              focused={state.focus === 'messages'}
              timeFormat={state.timeFormat}
              rows={layout.messageRows}
              width={layout.messageWidth}
            />
          </Box>
          <Composer
            composer={state.composer}
            focused={state.focus === 'composer'}
            rows={layout.composerRows}
            width={size.columns - 4}
            placeholder={group === undefined ? 'Type /create NAME or press Ctrl-N' : `Message #${group.name}`}
          />
        </>
      ) : (
        <OverlayView state={state} height={size.rows - 2} />
      )}
      <StatusLine
        status={state.status}
        hints={state.overlay.kind === 'none' ? footerHints(state.focus) : []}
      />
    </Box>
  );
}
