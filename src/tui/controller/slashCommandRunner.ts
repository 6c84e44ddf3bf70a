/** What each slash command does: engine calls and overlays, through the controller's shared context. */
import type { SlashCommand } from '../slashCommands.js';
import type { ControllerContext } from './controllerContext.js';
import { withGroup } from './controllerContext.js';
import { createGroup, openIdentity, openUserSafetyNumber, verify } from './groupCommands.js';
import { askPasswordChange } from './passwordCommand.js';
import { runBackupCommand } from './secretCommands.js';

/** Commands that leave the main screen, which the controller itself owns. */
export interface ScreenExits {
  readonly requestQuit: () => void;
  readonly lock: () => void;
}

export function runSlashCommand(context: ControllerContext, command: SlashCommand, exits: ScreenExits): void {
  const { engine, store, dispatch, fire, showInfo } = context;
  switch (command.kind) {
    case 'create':
      return createGroup(context, command.name);
    case 'invite':
      // A commit and a Welcome: for a large group this takes seconds, so say it is under way.
      return withGroup(context, (group) => {
        showInfo(`inviting ${command.username} to ${group.name} (commit and Welcome)…`);
        fire(engine.invite(group.id, command.username).then(() => showInfo(`invited ${command.username}`)));
      });
    case 'kick':
      return withGroup(context, (group) => {
        showInfo(`removing ${command.username} from ${group.name} (commit)…`);
        fire(engine.kick(group.id, command.username).then(() => showInfo(`removed ${command.username}`)));
      });
    case 'leave':
      return withGroup(context, (group) => fire(engine.leave(group.id)));
    case 'verify':
      return verify(context, store.getState().selectedGroupId ?? undefined, command.username);
    case 'safety':
      return openUserSafetyNumber(context, command.username);
    case 'rotate':
      return withGroup(context, (group) => {
        showInfo(`fresh keys for ${group.name} (commit)…`);
        fire(engine.selfUpdate(group.id).then(() => showInfo(`fresh keys in ${group.name}`)));
      });
    case 'rotate-identity':
      showInfo('new identity key: directory and every group (commits)…');
      return fire(
        engine
          .rotateIdentity()
          .then((done) =>
            showInfo(
              `new identity key, in ${done.groupsUpdated.length} group(s)` +
                (done.groupsDeferred.length > 0
                  ? `; ${done.groupsDeferred.length} group(s) with only you move when someone joins`
                  : ''),
            ),
          ),
      );
    case 'rotate-hybrid':
      showInfo('new hybrid key…');
      return fire(
        engine
          .rotateHybridKey()
          .then(() =>
            showInfo('new hybrid key published; the previous one opens what is in flight for a while'),
          ),
      );
    case 'rotate-access':
      showInfo('new sealed-sender access key…');
      return fire(
        engine.rotateAccessKey().then(() => showInfo('new sealed-sender access key shared in every group')),
      );
    case 'accept':
      showInfo(`joining ${command.invite}…`);
      return fire(engine.acceptInvite(command.invite).then(() => showInfo(`joined ${command.invite}`)));
    case 'decline':
      return fire(engine.declineInvite(command.invite).then(() => showInfo(`declined ${command.invite}`)));
    case 'whoami':
      return openIdentity(context);
    case 'help':
      return dispatch({ type: 'openOverlay', overlay: { kind: 'help', scroll: 0 } });
    case 'backup':
      return runBackupCommand(context, command.action, command.file);
    case 'password':
      return askPasswordChange(context);
    case 'lock':
      return exits.lock();
    case 'quit':
      return exits.requestQuit();
  }
}
