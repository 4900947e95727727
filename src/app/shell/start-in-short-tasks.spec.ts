import { ApplicationRef, Component, provideEnvironmentInitializer } from '@angular/core';
import { provideLocationMocks } from '@angular/common/testing';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideRouter, RouterOutlet, withDisabledInitialNavigation } from '@angular/router';
import { provideStartInShortTasks } from './start-in-short-tasks';

/** The start-up steps, in the order they happened (with the tasks in between, where recorded). */
let steps: string[] = [];
/** Whether each step also records when the task it ran in has ended. */
let recordTasks = false;

function record(step: string): void {
  steps.push(step);
  if (recordTasks) setTimeout(() => steps.push(`task after ${step}`));
}

@Component({ selector: 'app-page', template: 'Page' })
class Page {
  constructor() {
    record('page');
  }
}

@Component({ selector: 'app-start-root', imports: [RouterOutlet], template: '<router-outlet />' })
class Root {
  constructor() {
    record('shell');
  }
}

/** Lets a task end: timeouts set by now have run, and whatever waited on them. */
const aTask = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('provideStartInShortTasks', () => {
  let host: HTMLElement;
  let app: Promise<ApplicationRef> | undefined;

  beforeEach(() => {
    steps = [];
    recordTasks = false;
    host = document.createElement('app-start-root');
    document.body.append(host);
  });

  afterEach(async () => {
    (await app)?.destroy();
    host.remove();
  });

  function start(): void {
    app = bootstrapApplication(Root, {
      providers: [
        provideLocationMocks(),
        provideRouter([{ path: '', component: Page }], withDisabledInitialNavigation()),
        provideEnvironmentInitializer(() => record('providers')),
        provideStartInShortTasks(),
      ],
    });
  }

  describe('with scheduler.yield()', () => {
    /** The steps waiting for the task they yielded to. */
    let yielded: (() => void)[];

    beforeEach(() => {
      yielded = [];
      spyOn(scheduler, 'yield').and.callFake(
        () => new Promise<void>((resolve) => yielded.push(resolve)),
      );
    });

    /** Starts the task the oldest waiting step yielded to. */
    async function nextTask(): Promise<void> {
      expect(yielded.length).withContext('steps waiting for their task').toBe(1);
      yielded.shift()?.();
      await aTask();
    }

    it('creates the providers, renders the shell and shows the page, each in a task of its own', async () => {
      start();
      await aTask();
      const first = [...steps];
      await nextTask();
      const second = [...steps];
      await nextTask();

      expect(first).toEqual(['providers']);
      expect(second).toEqual(['providers', 'shell']);
      expect(steps).toEqual(['providers', 'shell', 'page']);
    });

    it('shows the page the address names, inside the shell', async () => {
      start();
      await aTask();
      await nextTask();
      await nextTask();

      expect(host.textContent).toBe('Page');
    });
  });

  it('ends each task with a timeout in a browser without scheduler.yield()', async () => {
    // As in a browser without the Prioritized Task Scheduling API (the DOM types assume it).
    spyOnProperty(window, 'scheduler').and.returnValue(undefined as unknown as Scheduler);
    recordTasks = true;

    start();
    await app;
    while (!steps.includes('page')) await aTask();

    expect(steps.slice(0, 5)).toEqual([
      'providers',
      'task after providers',
      'shell',
      'task after shell',
      'page',
    ]);
    expect(host.textContent).toBe('Page');
  });
});
