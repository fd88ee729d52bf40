import { renderNginxConfig } from './nginx.ts';

describe('renderNginxConfig', () => {
  const conf = renderNginxConfig({ dir: '/tmp/n', port: 8081, upstream: '127.0.0.1:9000', workers: 1, keepalive: 64 });

  it('when rendered, then nginx runs in the foreground with everything it writes under its own directory', () => {
    expect(conf).toContain('daemon off;');
    expect(conf).toContain('pid /tmp/n/nginx.pid;');
    expect(conf).toContain('worker_processes 1;');
    expect(conf).toContain('client_body_temp_path /tmp/n/client_body;');
  });

  it('when rendered, then it is tuned as a reverse proxy: upstream keep-alive over HTTP/1.1, no access log', () => {
    expect(conf).toContain('server 127.0.0.1:9000;');
    expect(conf).toContain('keepalive 64;');
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('proxy_set_header Connection "";');
    expect(conf).toContain('access_log off;');
    expect(conf).toContain('listen 127.0.0.1:8081');
  });
});
