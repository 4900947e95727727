import { Component } from '@angular/core';

@Component({
  selector: 'app-home',
  template: `<p>The home page of an app that has no sign-in yet.</p>`,
})
export class Home {}
