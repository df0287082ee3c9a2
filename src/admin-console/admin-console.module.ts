import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import {
  Controller,
  type DynamicModule,
  Get,
  Inject,
  Module,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators.js';
import { ADMIN_CONSOLE, type AdminConsole } from '../config/admin-console.options.js';
import { ConsoleNotFoundError } from './admin-console.errors.js';

const IMMUTABLE_MS = 365 * 24 * 3600 * 1000;
/** Where the console finds the API: the module's route prefix, named in the page (web/src/lib/api-prefix.ts). */
const API_PREFIX_META = 'champa-iam-api-prefix';
const ROOT_TARGET = Symbol('ROOT_TARGET');
const CONSOLE_API_PREFIX = Symbol('CONSOLE_API_PREFIX');

// Files Vite copies from the console's public/ folder to the top of the build (an icon, robots.txt).
const TYPES: Record<string, string> = {
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

/**
 * Hashed bundles under <path>/assets/ go through the adapter's own static
 * plugin (@fastify/static or express.static) with a year-long cache; any
 * other path under <path>/ answers the app's index.html, so a deep link opens
 * the page it names. A missing bundle stays a 404: answering HTML for a script
 * would hide a broken build behind a MIME-type error.
 */
class AdminConsoleController {
  /** A route for the wildcard under each adapter's own syntax, set before Nest reads it (see register). */
  static readonly WILDCARD: Record<string, string> = { fastify: '*', express: '{*path}' };

  private readonly base: string;
  private readonly apiMeta: string;

  constructor(
    @Inject(ADMIN_CONSOLE) private readonly console: AdminConsole,
    @Inject(CONSOLE_API_PREFIX) apiPrefix: string,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.base = `/${console.path}`;
    // The prefix is a plain path (normalizeRoutePrefix): nothing in it needs escaping in an attribute.
    this.apiMeta = `<meta name="${API_PREFIX_META}" content="/${apiPrefix}" />`;
  }

  @Get()
  @Public()
  async entry(@Req() req: unknown, @Res() res: unknown): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    const url = adapter.getRequestUrl(req) as string;
    // Express matches /admin/ here too; only the bare path moves to the trailing slash.
    if (pathOf(url) === this.base)
      return adapter.redirect(res, 302, `${this.base}/${url.slice(this.base.length)}`);
    await this.sendIndex(res);
  }

  /** Every other path below the console; routed by each module's own subclass (see register). */
  async page(req: unknown, res: unknown): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    const rest = pathOf(adapter.getRequestUrl(req) as string).slice(this.base.length + 1);
    // The static plugin found no such bundle.
    if (rest.startsWith('assets/')) throw new ConsoleNotFoundError();
    const type = TYPES[extname(rest).toLowerCase()];
    if (type && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(rest)) {
      const file = await readOrNull(join(this.console.root, rest));
      if (file) {
        adapter.setHeader(res, 'Cache-Control', 'no-cache');
        adapter.setHeader(res, 'Content-Type', type);
        return adapter.reply(res, new StreamableFile(file), 200);
      }
    }
    await this.sendIndex(res);
  }

  private async sendIndex(res: unknown): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    const html = await readOrNull(join(this.console.root, 'index.html'));
    if (!html) throw new ConsoleNotFoundError('The admin console is not built; run npm run build');
    // A new deployment's index names new bundles: never serve a stale one.
    adapter.setHeader(res, 'Cache-Control', 'no-store');
    adapter.setHeader(res, 'Content-Type', 'text/html; charset=utf-8');
    adapter.reply(res, new StreamableFile(this.withApiPrefix(html)), 200);
  }

  /** The page, told where the API is mounted (a host may mount it elsewhere than /auth/api). */
  private withApiPrefix(html: Buffer): Buffer {
    const text = html.toString('utf8');
    const at = text.indexOf('</head>');
    if (at < 0) return html;
    return Buffer.from(`${text.slice(0, at)}${this.apiMeta}\n${text.slice(at)}`, 'utf8');
  }
}

/**
 * Registers the static plugin while the module is built, before Nest adds its
 * routes: Express runs middleware in the order it was added, so the bundles
 * must come before the controller's catch-all.
 */
function registerAssets(host: HttpAdapterHost, console: AdminConsole): boolean {
  const adapter = host.httpAdapter;
  // An application context (the CLI) has no HTTP server to serve from.
  if (!adapter) return false;
  const prefix = `/${console.path}/assets`;
  const root = join(console.root, 'assets');
  // Both plugins write this as `public, max-age=31536000, immutable`.
  const cache = { maxAge: IMMUTABLE_MS, immutable: true };
  if (adapter.getType() === 'fastify') {
    // decorateReply: false, as another plugin (Swagger UI) may have decorated the reply already.
    void adapter.useStaticAssets({
      root,
      prefix: `${prefix}/`,
      index: false,
      decorateReply: false,
      ...cache,
    });
  } else {
    adapter.useStaticAssets(root, { prefix, index: false, redirect: false, ...cache });
  }
  return true;
}

const ASSETS = Symbol('ADMIN_CONSOLE_ASSETS');

@Module({})
export class AdminConsoleModule {
  /** `apiPrefix`: where the IAM routes are mounted, normalized (`auth/api`; empty at the root). */
  static register(console: AdminConsole, apiPrefix: string): DynamicModule {
    // A class of this module's own, so that the wildcard chosen below for one app's adapter
    // never reaches another app's routes in the same process.
    @ApiExcludeController()
    @Controller()
    class ConsoleController extends AdminConsoleController {
      @Get('*')
      @Public()
      override page(@Req() req: unknown, @Res() res: unknown): Promise<void> {
        return super.page(req, res);
      }
    }
    return {
      module: AdminConsoleModule,
      controllers: [ConsoleController],
      providers: [
        { provide: ADMIN_CONSOLE, useValue: console },
        { provide: CONSOLE_API_PREFIX, useValue: apiPrefix },
        {
          provide: ASSETS,
          inject: [HttpAdapterHost],
          useFactory: (host: HttpAdapterHost) => {
            // Fastify's router takes a bare `*`; Express 5 wants a named one, and would warn
            // at every boot while converting the bare one.
            const type = host.httpAdapter?.getType() ?? 'fastify';
            const wildcard = AdminConsoleController.WILDCARD[type] ?? '{*path}';
            Reflect.defineMetadata(PATH_METADATA, wildcard, ConsoleController.prototype.page);
            return registerAssets(host, console);
          },
        },
      ],
    };
  }
}

@ApiExcludeController()
@Controller()
class RootRedirectController {
  constructor(
    @Inject(ROOT_TARGET) private readonly target: string,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @Public()
  root(@Res() res: unknown): void {
    this.adapterHost.httpAdapter.redirect(res, 302, this.target);
  }
}

/** GET / sends a browser on to where a person starts: the console, or the API's documentation. */
@Module({})
export class RootRedirectModule {
  static to(target: string): DynamicModule {
    return {
      module: RootRedirectModule,
      controllers: [RootRedirectController],
      providers: [{ provide: ROOT_TARGET, useValue: target }],
    };
  }
}
