import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { API_URL } from './api-url';
import { Messages } from './messages';

const ENDPOINT = 'http://localhost:8000/api/messages';

describe('Messages', () => {
  let httpTesting: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: API_URL, useValue: 'http://localhost:8000' },
      ],
    });
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  /** Creates the component and lets it send its first request. */
  function render(): ComponentFixture<Messages> {
    const fixture = TestBed.createComponent(Messages);
    fixture.detectChanges();
    return fixture;
  }

  const page = (fixture: ComponentFixture<Messages>) => fixture.nativeElement as HTMLElement;
  const alertText = (fixture: ComponentFixture<Messages>) =>
    page(fixture).querySelector('[role="alert"]')?.textContent;
  /** Each list item as its visible text, with the date and the text of a message kept apart. */
  const listItems = (fixture: ComponentFixture<Messages>) =>
    Array.from(page(fixture).querySelectorAll('li')).map((item) =>
      item.querySelector('time')
        ? [item.querySelector('time')?.textContent, item.querySelector('span')?.textContent]
        : [item.textContent?.trim()],
    );
  const refreshButton = (fixture: ComponentFixture<Messages>) =>
    Array.from(page(fixture).querySelectorAll('button')).find(
      (button) => button.textContent?.trim() === 'Refresh',
    );

  it('requests the messages from the API URL with a GET', () => {
    render();

    const request = httpTesting.expectOne(ENDPOINT);
    expect(request.request.method).toBe('GET');
    request.flush({ messages: [] });
  });

  it('shows the endpoint it fetches from', () => {
    const fixture = render();
    httpTesting.expectOne(ENDPOINT).flush({ messages: [] });

    expect(page(fixture).querySelector('code')?.textContent).toBe(ENDPOINT);
  });

  it('says it is loading until the API answers', () => {
    const fixture = render();

    expect(page(fixture).querySelector('[role="status"]')?.textContent).toBe('Loading messages…');
    httpTesting.expectOne(ENDPOINT).flush({ messages: [] });
  });

  it('lists the messages with their dates', async () => {
    const fixture = render();

    httpTesting.expectOne(ENDPOINT).flush({
      messages: [
        { id: '1', text: 'Hello from the API', date: '2026-01-02T03:04:05Z' },
        { id: '2', text: 'Your token was accepted', date: '2026-01-03T00:00:00Z' },
      ],
    });
    await fixture.whenStable();

    expect(listItems(fixture)).toEqual([
      ['2026-01-02T03:04:05Z', 'Hello from the API'],
      ['2026-01-03T00:00:00Z', 'Your token was accepted'],
    ]);
    expect(page(fixture).querySelector('time')?.getAttribute('datetime')).toBe(
      '2026-01-02T03:04:05Z',
    );
    expect(page(fixture).querySelector('[role="status"]')).toBeNull();
  });

  it('says "No messages yet." for an empty list', async () => {
    const fixture = render();

    httpTesting.expectOne(ENDPOINT).flush({ messages: [] });
    await fixture.whenStable();

    expect(listItems(fixture)).toEqual([['No messages yet.']]);
  });

  it('shows message text with markup as text', async () => {
    const fixture = render();

    httpTesting.expectOne(ENDPOINT).flush({
      messages: [{ id: '1', text: '<img src=x onerror="window.hacked=1">', date: '2026-01-02' }],
    });
    await fixture.whenStable();

    expect(page(fixture).querySelector('img')).toBeNull();
    expect(listItems(fixture)).toEqual([['2026-01-02', '<img src=x onerror="window.hacked=1">']]);
  });

  const failures: [string, number, string][] = [
    [
      'a 401 as a rejected access token',
      401,
      'The API did not accept your access token. Sign in again.',
    ],
    ['a 500 as a generic failure', 500, 'The messages could not be loaded. Please try again.'],
    ['a 403 as a generic failure', 403, 'The messages could not be loaded. Please try again.'],
  ];
  for (const [what, status, message] of failures) {
    it(`explains ${what}`, async () => {
      const fixture = render();

      httpTesting.expectOne(ENDPOINT).flush({ error: 'nope' }, { status, statusText: 'Error' });
      await fixture.whenStable();

      expect(alertText(fixture)).toBe(message);
      expect(page(fixture).querySelector('li')).toBeNull();
    });
  }

  it('explains that the API could not be reached (status 0)', async () => {
    const fixture = render();

    httpTesting.expectOne(ENDPOINT).error(new ProgressEvent('error'));
    await fixture.whenStable();

    expect(alertText(fixture)).toBe('The API could not be reached. Is it running?');
  });

  it('asks the API again when Refresh is clicked', async () => {
    const fixture = render();
    httpTesting.expectOne(ENDPOINT).flush({ messages: [] });
    await fixture.whenStable();

    refreshButton(fixture)?.click();
    fixture.detectChanges();

    httpTesting
      .expectOne(ENDPOINT)
      .flush({ messages: [{ id: '9', text: 'Fresh message', date: '2026-02-01' }] });
    await fixture.whenStable();
    expect(listItems(fixture)).toEqual([['2026-02-01', 'Fresh message']]);
  });

  it('recovers from an error when Refresh succeeds', async () => {
    const fixture = render();
    httpTesting.expectOne(ENDPOINT).flush(null, { status: 500, statusText: 'Server Error' });
    await fixture.whenStable();

    refreshButton(fixture)?.click();
    fixture.detectChanges();
    httpTesting.expectOne(ENDPOINT).flush({ messages: [] });
    await fixture.whenStable();

    expect(alertText(fixture)).toBeUndefined();
    expect(listItems(fixture)).toEqual([['No messages yet.']]);
  });
});
