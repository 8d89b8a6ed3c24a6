import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { http } from './api';
import { htmlLang, locale, t } from './i18n';
import { createAppRouter } from './router';
import { useSessionStore } from './stores/session';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
const router = createAppRouter();
app.use(router);

const session = useSessionStore();
http.onSessionExpired = () => {
  session.markExpired();
  const current = router.currentRoute.value;
  const redirect = current.meta.role !== undefined ? current.fullPath : undefined;
  void router.push({ name: 'login', query: redirect ? { expired: '1', redirect } : { expired: '1' } });
};

watch(
  locale,
  (value) => {
    document.documentElement.lang = htmlLang(value);
    const title = router.currentRoute.value.meta.title;
    document.title = title ? `${t(title)} · ${t('app.name')}` : t('app.name');
  },
  { immediate: true },
);

app.mount('#app');
