import { Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { SiteHeader } from './shell/site-header';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet, SiteHeader],
  template: `
    <app-site-header />
    <main id="content" tabindex="-1">
      <router-outlet />
    </main>
  `,
  styleUrl: './app.css',
})
export class App {}
