import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { SessionDiagnostics, SessionFact } from '../auth/diagnostics';
import { ADMIN_GROUP } from '../admin/admin-group';
import { API_URL } from '../messages/api-url';
import { API_AUDIENCE } from './api-audience';
import { Diagnostics } from './diagnostics';

const ENDPOINT = 'http://localhost:8000/api/messages';

describe('Diagnostics', () => {
  let session: jasmine.SpyObj<Pick<SessionDiagnostics, 'describe' | 'renewNow'>>;
  const facts: SessionFact[] = [
    {
      id: 'audience',
      title: 'Access token audience',
      status: 'pass',
      detail: 'It is api://default.',
    },
    {
      id: 'groups',
      title: 'Groups claim',
      status: 'warn',
      detail: 'The ID token has no groups claim.',
      fix: 'Add a groups claim.',
    },
  ];

  beforeEach(() => {
    session = jasmine.createSpyObj<Pick<SessionDiagnostics, 'describe' | 'renewNow'>>(
      'SessionDiagnostics',
      ['describe', 'renewNow'],
    );
    session.describe.and.returnValue(facts);
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: SessionDiagnostics, useValue: session },
        { provide: API_URL, useValue: 'http://localhost:8000' },
        { provide: API_AUDIENCE, useValue: 'api://default' },
        { provide: ADMIN_GROUP, useValue: 'Admins' },
      ],
    });
  });

  /** The API call's answer reaches the page through a promise, then a render. */
  async function settle(fixture: { whenStable(): Promise<unknown> }) {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  /** Creates the page and lets it send its API call (an httpResource: pending until answered). */
  function render() {
    const fixture = TestBed.createComponent(Diagnostics);
    fixture.detectChanges();
    return fixture;
  }
  const text = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ');

  it('asks for the facts with the API audience and admin group, and shows each with its fix', async () => {
    const fixture = render();
    TestBed.inject(HttpTestingController).expectOne(ENDPOINT).flush({ messages: [] });
    await settle(fixture);
    const page = fixture.nativeElement as HTMLElement;

    expect(session.describe).toHaveBeenCalledWith({
      apiAudience: 'api://default',
      adminGroup: 'Admins',
    });
    const items = [...page.querySelectorAll('.facts li')].map(text);
    expect(items[0]).toContain('Pass Access token audience');
    expect(items[1]).toContain('Warning Groups claim');
    expect(items[1]).toContain('Fix: Add a groups claim.');
    expect(items[2]).toContain(`Pass A real call to the API ${ENDPOINT} accepted the token.`);
  });

  it("shows the API's refusal and its fix", async () => {
    const fixture = render();
    TestBed.inject(HttpTestingController)
      .expectOne(ENDPOINT)
      .flush({ error: 'invalid_token' }, { status: 401, statusText: 'Unauthorized' });
    await settle(fixture);

    const api = [...(fixture.nativeElement as HTMLElement).querySelectorAll('.facts li')].at(-1);
    expect(text(api as Element)).toContain('Failure A real call to the API');
    expect(text(api as Element)).toContain('answered 401 invalid_token');
  });

  it('renews on request and says whether the refresh token rotated', async () => {
    session.renewNow.and.resolveTo('kept');
    const fixture = render();
    TestBed.inject(HttpTestingController).expectOne(ENDPOINT).flush({});

    (fixture.nativeElement as HTMLElement)
      .querySelectorAll('button')[1]
      .dispatchEvent(new Event('click'));
    await settle(fixture);

    expect(session.renewNow).toHaveBeenCalledTimes(1);
    expect(text(fixture.nativeElement.querySelector('[role=status]'))).toContain('did not rotate');
    expect(session.describe).toHaveBeenCalledTimes(2);
  });
});
