/**
 * Bounded memory in synchronous code where the engine has no collection hooks (browsers). There,
 * FinalizationRegistry callbacks run only between tasks, so a plain `for` training loop never learns
 * which tensors became unreachable, and nothing short of the user disposing could free their storages.
 *
 * The rule: a tensor made outside `tidy` is adopted here instead of registered with the finalizer.
 * At the next turn of the event loop the adopted ones are registered (the finalizer works from then
 * on; an awaiting loop pays nothing more). When instead the storage allocated within one task passes
 * a budget, every adopted storage whose tensors were all adopted since the last turn is moved out of
 * the backend's memory into a JS array that only those tensors reach (`Backend.moveOut`): the
 * garbage collector, which does run inside synchronous code, reclaims it with them. A tensor still in
 * use loses nothing: its next kernel brings the data back, and the storage is watched from then on.
 * The cost is one copy of what a synchronous loop allocates, once per budget, and no semantics change.
 */
import type { Backend, Storage } from "../backend/backend.js";
import type { Anchor, Lifetime, StorageRef } from "./memory.js";
import { createRegistry } from "./finalizer.js";

/** What the tensor bookkeeping lends the adopter. */
export interface AdoptionHost {
  /** Hands a tensor to the finalizer, as the hooked engines do when it is made. */
  register(anchor: Anchor, life: Lifetime): void;
  /** A tensor whose storage was moved out: it no longer counts as live nor releases its storage. */
  forget(life: Lifetime): void;
  /** A storage was moved out: its bytes no longer count as live. */
  movedOut(bytes: number): void;
  /** Bytes of live storages, for the budget. */
  liveBytes(): number;
}

interface Adopted { life: Lifetime; anchor: Anchor }
interface Watched { storage: Storage; backend: Backend }

const MiB = 2 ** 20;
const MIN_BUDGET = 32 * MiB;
/** Adopted tensors per task before a move-out: bounds the bookkeeping of loops of tiny tensors. */
const MAX_ADOPTED = 50_000;

/** Storages that came back after a move-out are freed when their StorageRef is collected. */
const returnedStorages = createRegistry<Watched>((w) => w.backend.free(w.storage));

export class Adopter {
  private adopted: Adopted[] = [];
  /** Moved-out storages a kernel brought back since the last move-out or turn. */
  private returned: StorageRef[] = [];
  private bytes = 0;
  private turnScheduled = false;
  /** Move-outs so far (tests and `zd.memory` read it). */
  moveOuts = 0;

  /** `budgetBytes` fixes the budget (tests); by default it is the live bytes, at least 32 MiB. */
  constructor(private readonly host: AdoptionHost, private readonly budgetBytes?: number) {}

  adopt(life: Lifetime, anchor: Anchor): void {
    this.adopted.push({ life, anchor });
    if (this.adopted.length > MAX_ADOPTED) this.moveOut();
    this.scheduleTurn();
  }

  /** Called before each storage allocation, a safe point (see `noteAllocation`). */
  allocated(bytes: number): void {
    this.bytes += bytes;
    // a budget of the live bytes bounds what a move-out costs in storages still in use (which come
    // back) to one copy per byte allocated
    const budget = this.budgetBytes ?? Math.max(MIN_BUDGET, this.host.liveBytes() - this.bytes);
    if (this.bytes > budget) this.moveOut();
  }

  /** The event loop turned: what was adopted goes to the finalizer, what came back is watched. */
  turn(): void {
    this.turnScheduled = false;
    this.bytes = 0;
    const adopted = this.adopted;
    this.adopted = [];
    for (const { life, anchor } of adopted) {
      if (life.released) continue;
      if (life.ref.detached) this.host.forget(life);
      else this.host.register(anchor, life);
    }
    for (const ref of this.returned) this.watch(ref);
    this.returned = [];
  }

  /** Moves out every storage only adopted tensors hold; registers the tensors sharing one with others. */
  moveOut(): void {
    this.bytes = 0;
    this.moveOuts++;
    const adopted = this.adopted;
    this.adopted = [];
    for (const { life } of adopted) if (!life.released && !life.ref.detached) life.ref.scratch++;
    for (const { life, anchor } of adopted) {
      if (life.released) continue;
      const ref = life.ref;
      if (ref.detached || (ref.scratch === ref.refs && this.detach(ref))) this.host.forget(life);
      else this.host.register(anchor, life);
    }
    for (const { life } of adopted) life.ref.scratch = 0;
    const returned = this.returned;
    this.returned = [];
    for (const ref of returned) if (!ref.watched) this.detach(ref);
  }

  private detach(ref: StorageRef): boolean {
    const moved = ref.backend.moveOut?.(ref.storage, () => this.cameBack(ref)) ?? false;
    if (moved && !ref.detached) {
      ref.detached = true;
      this.host.movedOut(ref.bytes);
    }
    return moved;
  }

  private cameBack(ref: StorageRef): void {
    this.returned.push(ref);
    this.scheduleTurn();
  }

  private watch(ref: StorageRef): void {
    if (ref.watched) return;
    ref.watched = true;
    returnedStorages.register(ref, { storage: ref.storage, backend: ref.backend });
  }

  private scheduleTurn(): void {
    if (this.turnScheduled || typeof setTimeout !== "function") return;
    this.turnScheduled = true;
    const timer = setTimeout(() => this.turn(), 0);
    (timer as { unref?: () => void }).unref?.();
  }
}
